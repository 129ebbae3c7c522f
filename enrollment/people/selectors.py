"""Reads of employers, insured people and their episodes, scoped to what the user may see."""

from django.db.models import QuerySet

from enrollment.people.models import Employer, EnrollmentEpisode, InsuredPerson
from pooling.accounts.models import User
from pooling.core.access import scope_queryset
from pooling.structure.selectors import counties_for


def employers_for(*, user: User) -> QuerySet[Employer]:
    return scope_queryset(Employer.objects.select_related("county"), user)


def people_for(*, user: User) -> QuerySet[InsuredPerson]:
    return scope_queryset(InsuredPerson.objects.select_related("county", "employer"), user)


def episodes_for(*, user: User) -> QuerySet[EnrollmentEpisode]:
    return scope_queryset(
        EnrollmentEpisode.objects.select_related("person", "county", "employer"),
        user,
        municipality_field="county__municipality",
    )


def enrollment_scopes(*, user: User) -> dict[str, QuerySet]:
    """The related choices an enrollment write may name: the user's counties, employers and
    people (an API input outside them is an invalid choice)."""
    return {
        "county": counties_for(user=user),
        "employer": employers_for(user=user),
        "person": people_for(user=user),
    }
