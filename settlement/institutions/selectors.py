"""Designated hospitals and retail pharmacies (J 二(四), DOMAIN §9; issue 7 item 1): admission,
the agreement period, the yearly review and the status, and whether an institution may be
paid on a given day. Services (``<noun>_<verb>``) write and audit; selectors read.

Code scheme (DOMAIN §11): a hospital is ``H`` + the county's 6-digit GB/T 2260 code + a 5-digit
sequence, e.g. ``H37081100001``; a retail pharmacy, for which the documents give no scheme, is
``P`` + the county's code + a 5-digit sequence, e.g. ``P37081100001``.
"""

import datetime

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from pooling.accounts.models import User
from pooling.core.access import scope_queryset
from settlement.institutions.models import DesignatedInstitution, InstitutionReview

# Selectors -----------------------------------------------------------------------------------


def institutions_for(*, user: User) -> QuerySet[DesignatedInstitution]:
    """The institutions ``user`` may see: a county officer's own county, else the city's."""
    return scope_queryset(DesignatedInstitution.objects.select_related("county"), user)


def institution_reviews(*, institution: DesignatedInstitution) -> QuerySet[InstitutionReview]:
    return institution.reviews.select_related("reviewed_by").order_by("-reviewed_on", "-pk")


def institution_payment_refusal(
    *, institution: DesignatedInstitution, on: datetime.date
) -> str | None:
    """Why ``institution`` may not be paid on ``on`` (a translated sentence), or None."""
    if institution.status != DesignatedInstitution.Status.ACTIVE:
        return str(
            _("%(name)s is %(status)s and cannot be paid.")
            % {"name": institution.name, "status": institution.get_status_display()}
        )
    if not institution.agreement_from <= on <= institution.agreement_to:
        return str(
            _(
                "%(name)s has no agreement in force on %(day)s (agreement %(start)s to %(end)s) "
                "and cannot be paid."
            )
            % {
                "name": institution.name,
                "day": on.isoformat(),
                "start": institution.agreement_from.isoformat(),
                "end": institution.agreement_to.isoformat(),
            }
        )
    return None


def institution_may_be_paid(*, institution: DesignatedInstitution, on: datetime.date) -> bool:
    """Whether ``institution`` may be paid on ``on``: active, and ``on`` inside its
    agreement. A suspended or terminated institution, or one outside its agreement, may not."""
    return institution_payment_refusal(institution=institution, on=on) is None
