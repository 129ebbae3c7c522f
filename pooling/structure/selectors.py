"""Reads of the pooling structure shared by views, the API and other apps: ``counties_for``
(THE county scope of every app), the pooling model in force, accession evaluations."""

import datetime

from django.db.models import QuerySet

from pooling.accounts.models import User
from pooling.core.access import scope_queryset
from pooling.core.periods import in_force
from pooling.structure.models import (
    AccessionEvaluation,
    County,
    CountyPoolingModel,
    Municipality,
)
from pooling.structure.presets import CITIES, CityPreset


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


def city_preset_for(*, municipality: Municipality) -> CityPreset | None:
    """The preset a municipality was configured from (its slug), None for any other."""
    return CITIES.get(municipality.slug)


def fixed_premium_keys_for(*, municipality: Municipality) -> tuple[str, str] | None:
    """The rule keys of the city's fixed per-person premium (amount, employer part) and None
    where its documents name no such fund (DOMAIN §14): Jining's city critical illness
    (N 三(二)2), Jinan's 大额医疗费救助金 (J 二(二)1), Zhengzhou's employee supplementary
    insurance (Z 二)."""
    preset = city_preset_for(municipality=municipality)
    fund = preset.fixed_premium_fund() if preset else None
    return fund.fixed_premium if fund else None


def fixed_premium_fund_code_for(*, municipality: Municipality) -> str | None:
    """The fund the fixed per-person premium of ``fixed_premium_keys_for`` is booked to."""
    preset = city_preset_for(municipality=municipality)
    fund = preset.fixed_premium_fund() if preset else None
    return fund.code if fund else None
