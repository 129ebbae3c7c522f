"""Reads of the benefit standards: the versions a user may list and the one in force."""

import datetime

from django.db.models import QuerySet

from pooling.accounts.models import Role, User
from pooling.core.access import scope_queryset
from pooling.core.periods import in_force
from settlement.benefits.standards.models import BenefitStandard


def benefit_standards_for(*, user: User) -> QuerySet[BenefitStandard]:
    """Every version of the user's municipality (standards are city-wide: N 三(三) 统一待遇);
    a county officer sees the municipality's too."""
    if getattr(user, "role", None) == Role.COUNTY_OFFICER:
        return BenefitStandard.objects.filter(municipality=user.county.municipality_id)
    return scope_queryset(
        BenefitStandard.objects.all(), user, county_field=None, municipality_field="municipality"
    )


def benefit_standard_in_force(
    *, municipality_id: int, on: datetime.date, **combination: str
) -> BenefitStandard | None:
    """The version of one combination in force on ``on``, or None."""
    return (
        BenefitStandard.objects.filter(municipality_id=municipality_id, **combination)
        .filter(in_force(on))
        .first()
    )
