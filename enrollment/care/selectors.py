"""Outpatient specified diseases (门诊规定病种) and out-of-area care filings (异地就医备案) with
two-way referral records (J 二(四), DOMAIN §9; issue 7 items 3, 4). Services write and audit;
selectors read, scoped like every list: a county officer sees and decides only their county's.
"""

from django.db.models import QuerySet

from enrollment.care.models import DiseaseApplication, OutOfAreaFiling, SpecifiedDisease
from pooling.accounts.models import Role, User
from pooling.core.access import scope_queryset

# Selectors -----------------------------------------------------------------------------------


def diseases_for(*, user: User) -> QuerySet[SpecifiedDisease]:
    """The catalogue of the user's municipality (county officers included: it is city-wide)."""
    queryset = SpecifiedDisease.objects.filter(active=True)
    if not getattr(user, "is_authenticated", False) or not user.role:
        return queryset.none()
    if user.municipality_id is None:
        return queryset if user.role == Role.ADMINISTRATOR else queryset.none()
    return queryset.filter(municipality_id=user.municipality_id)


def disease_applications_for(*, user: User) -> QuerySet[DiseaseApplication]:
    return scope_queryset(
        DiseaseApplication.objects.select_related("person", "county", "disease"),
        user,
        municipality_field="county__municipality",
    )


def out_of_area_filings_for(*, user: User) -> QuerySet[OutOfAreaFiling]:
    return scope_queryset(
        OutOfAreaFiling.objects.select_related("person", "county"),
        user,
        municipality_field="county__municipality",
    )
