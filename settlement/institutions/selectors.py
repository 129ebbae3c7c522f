"""The reads of the designated institutions (J 二(四)): those a user may see, their reviews,
and whether one may be paid on a given day (active and inside its agreement)."""

import datetime

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from pooling.accounts.models import User
from pooling.core.access import scope_queryset
from settlement.institutions.models import DesignatedInstitution, InstitutionReview


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
