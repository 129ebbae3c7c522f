"""Reads of the pooling structure shared by views, the API and other apps."""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from pooling.access import scope_queryset
from pooling.models import (
    AccessionEvaluation,
    AuditEvent,
    County,
    CountyPoolingModel,
    Municipality,
    PolicyRule,
    User,
)


class RuleNotDefined(ValidationError):
    """No version of a rule is in force for the day asked."""

    def __init__(self, key: str, day: datetime.date):
        super().__init__(
            _("No value of the rule “%(key)s” is in force on %(day)s; add a version under Rules."),
            code="rule_not_defined",
            params={"key": key, "day": day.isoformat()},
        )


def _in_force(day: datetime.date) -> Q:
    return Q(effective_from__lte=day) & (Q(effective_to__isnull=True) | Q(effective_to__gte=day))


def pooling_model_for(*, county: County, month: datetime.date) -> CountyPoolingModel | None:
    """The pooling model period in force for ``county`` on ``month`` (any day), or None."""
    return county.pooling_models.filter(_in_force(month)).order_by("-effective_from").first()


def rule_value(
    *,
    municipality: Municipality,
    key: str,
    on: datetime.date,
    county: County | None = None,
) -> Decimal:
    """The value of rule ``key`` in force on ``on``.

    Before a county's accession its own version, where one exists, wins over the
    municipality's; from the accession date on the municipality-wide value applies (J 二).
    """
    versions = PolicyRule.objects.filter(municipality=municipality, key=key).filter(_in_force(on))
    if county is not None and (county.accession_date is None or on < county.accession_date):
        own = versions.filter(county=county).first()
        if own is not None:
            return own.value
    city_wide = versions.filter(county__isnull=True).first()
    if city_wide is None:
        raise RuleNotDefined(key, on)
    return city_wide.value


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


def policy_rules_for(*, user: User) -> QuerySet[PolicyRule]:
    """Rule versions: a county officer sees the municipality-wide ones and their county's."""
    queryset = PolicyRule.objects.select_related("county", "municipality")
    if getattr(user, "role", None) == "county_officer":
        return queryset.filter(
            Q(county=user.county_id)
            | Q(county__isnull=True, municipality=user.county.municipality_id)
        )
    return scope_queryset(queryset, user, county_field="county", municipality_field="municipality")


def audit_events_for(*, user: User) -> QuerySet[AuditEvent]:
    """Audit events of the user's municipality, plus the events of shared reference data (the
    working-day calendar) that belong to no municipality."""
    queryset = AuditEvent.objects.select_related("actor", "county")
    if getattr(user, "role", None) in (None, "", "county_officer"):
        return scope_queryset(queryset, user, county_field="county")
    if user.municipality_id is None:
        return scope_queryset(queryset, user)
    return queryset.filter(Q(municipality=user.municipality_id) | Q(municipality__isnull=True))
