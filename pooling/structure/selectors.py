"""Reads of the pooling structure shared by views, the API and other apps: ``counties_for``
(THE county scope of every app), the pooling model in force, accession evaluations."""

import datetime

from django.db.models import QuerySet

from pooling.accounts.models import User
from pooling.core.access import scope_queryset
from pooling.core.periods import in_force
from pooling.structure.models import AccessionEvaluation, County, CountyPoolingModel


def pooling_model_for(*, county: County, month: datetime.date) -> CountyPoolingModel | None:
    """The pooling model period in force for ``county`` on ``month`` (any day), or None."""
    return county.pooling_models.filter(in_force(month)).order_by("-effective_from").first()


def counties_for(*, user: User) -> QuerySet[County]:
    """Counties the user may see: their own for a county officer, else their municipality's."""
    return scope_queryset(
        County.objects.select_related("municipality"),
        user,
        county_field="pk",
        municipality_field="municipality",
    )


def county_pooling_models_for(*, user: User) -> QuerySet[CountyPoolingModel]:
    return scope_queryset(
        CountyPoolingModel.objects.select_related("county"),
        user,
        county_field="county",
        municipality_field="county__municipality",
    )


def accession_evaluations_for(*, user: User) -> QuerySet[AccessionEvaluation]:
    return scope_queryset(
        AccessionEvaluation.objects.select_related("county", "decided_by"),
        user,
        county_field="county",
        municipality_field="county__municipality",
    )
