"""Reads of the dated rule values: the value in force on a day (every app reads rules through
``rule_value``), the versions a user may list, and the municipality a new version is for."""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from pooling.accounts.models import Role, User
from pooling.core.access import scope_queryset
from pooling.core.periods import in_force
from pooling.rules.catalogue import FORMER_RULES_KEY, RULES
from pooling.rules.models import PolicyRule
from pooling.structure.models import County, Municipality


class RuleNotDefined(ValidationError):
    """No version of a rule is in force for the day asked."""

    def __init__(self, key: str, day: datetime.date):
        super().__init__(
            _("No value of the rule “%(key)s” is in force on %(day)s; add a version under Rules."),
            code="rule_not_defined",
            params={"key": key, "day": day.isoformat()},
        )


def rule_value(
    *,
    municipality: Municipality,
    key: str,
    on: datetime.date,
    county: County | None = None,
) -> Decimal:
    """The value of rule ``key`` in force on ``on``.

    Before a county's accession its own version, where one exists, wins over the
    municipality's; from the accession date on the municipality-wide value applies (J 二),
    except where ``county_version_applies`` says a document keeps the county's (N 三(三)).
    """
    versions = PolicyRule.objects.filter(municipality=municipality, key=key).filter(in_force(on))
    if county is not None and county_version_applies(
        municipality=municipality, county=county, key=key, on=on
    ):
        own = versions.filter(county=county).first()
        if own is not None:
            return own.value
    city_wide = versions.filter(county__isnull=True).first()
    if city_wide is None:
        raise RuleNotDefined(key, on)
    return city_wide.value


def county_version_applies(
    *, municipality: Municipality, county: County, key: str, on: datetime.date
) -> bool:
    """Whether a county's own version of ``key`` would be read on ``on``: always before the
    county's accession (J 二); after it only for the exception marker itself and, while the
    county's ``former_benefit_rules_kept`` is 1, for a benefit rule it keeps (N 三(三))."""
    if county.accession_date is None or on < county.accession_date:
        return True
    spec = RULES.get(key)
    if spec is None:
        return False
    if spec.county_after_accession:
        return True
    if not spec.former_rules_exception:
        return False
    marker = (
        PolicyRule.objects.filter(municipality=municipality, county=county, key=FORMER_RULES_KEY)
        .filter(in_force(on))
        .first()
    )
    return marker is not None and marker.value == 1


def policy_rules_for(*, user: User) -> QuerySet[PolicyRule]:
    """Rule versions: a county officer sees the municipality-wide ones and their county's."""
    queryset = PolicyRule.objects.select_related("county", "municipality")
    if getattr(user, "role", None) == Role.COUNTY_OFFICER:
        return queryset.filter(
            Q(county=user.county_id)
            | Q(county__isnull=True, municipality=user.county.municipality_id)
        )
    return scope_queryset(queryset, user, county_field="county", municipality_field="municipality")


def rule_municipality(*, user: User, county: County | None) -> Municipality:
    """The municipality a rule version entered by ``user`` belongs to: the county's, or for a
    municipality-wide version the user's own (refused on ``county`` for an account bound to
    no municipality)."""
    if county is not None:
        return county.municipality
    if user.municipality_id is None:
        raise ValidationError({"county": _("Your account belongs to no municipality.")})
    return user.municipality
