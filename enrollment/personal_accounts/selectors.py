"""Reads of the personal-account subledger shared by the pages and the funds app: balances
per person, the subledger total, and the retirees' monthly credits per county."""

import datetime
from decimal import Decimal

from django.db.models import OuterRef, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce

from enrollment.contributions.models import Assessment
from enrollment.people.models import InsuredPerson
from enrollment.people.selectors import people_for
from enrollment.personal_accounts.models import PersonalAccountMovement
from pooling.accounts.models import User
from pooling.core.money import ZERO
from pooling.structure.models import County, Municipality


def personal_account_balances(
    *, user: User, on: datetime.date | None = None
) -> QuerySet[InsuredPerson]:
    """People with ``balance``: the sum of their subledger movements (up to month ``on``)."""
    movements = PersonalAccountMovement.objects.all()
    if on is not None:
        movements = movements.filter(month__lte=on)
    total = (
        movements.filter(person=OuterRef("pk"))
        .values("person")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    return people_for(user=user).annotate(balance=Coalesce(Subquery(total), ZERO))


def personal_account_total(*, municipality: Municipality, county: County | None = None) -> Decimal:
    """The subledger total: what the personal-account control account must show."""
    movements = PersonalAccountMovement.objects.filter(person__municipality=municipality)
    if county is not None:
        movements = movements.filter(county=county)
    return movements.aggregate(total=Coalesce(Sum("amount"), ZERO))["total"]


def retiree_credits_by_county(*, municipality: Municipality, month: datetime.date) -> dict:
    """Per county, the retirees' monthly personal-account amount assessed for ``month``:
    what the funds app moves from the pooled fund to the personal-account control."""
    rows = (
        Assessment.objects.filter(
            municipality=municipality, month=month, retiree_account_credit__gt=0
        )
        .values("county_id")
        .annotate(total=Sum("retiree_account_credit"))
        .order_by("county_id")
    )
    return {row["county_id"]: row["total"] for row in rows}
