"""Reads of outpatient specified diseases and out-of-area filings, scoped like every list: a
county officer sees (and decides) only their county's; the disease catalogue is city-wide."""

from django.db.models import QuerySet

from enrollment.care.models import DiseaseApplication, OutOfAreaFiling, SpecifiedDisease
from pooling.accounts.models import Role, User
from pooling.core.access import scope_queryset


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
