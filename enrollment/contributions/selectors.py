"""Reads of contributions shared by the pages, the API and the other apps: declared bases,
assessments (with whether each is collected) and their export, the contribution rules in
force, and a person's contribution history (N 三(二)–(三))."""

import datetime
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Exists, OuterRef, QuerySet
from django.utils.translation import gettext

from enrollment.collection_files.models import CollectionAllocation
from enrollment.contributions.assessment import MONTHS_PER_YEAR
from enrollment.contributions.models import Assessment, ContributionBase
from enrollment.people.models import (
    FLEXIBLE_SCOPES,
    InsuredPerson,
    Scheme,
)
from pooling.accounts.models import User
from pooling.core.access import scope_queryset
from pooling.core.money import ZERO, next_month
from pooling.rules.catalogue import DEMO_DEFAULT, RULES
from pooling.rules.selectors import RuleNotDefined, rule_value
from pooling.structure.models import County, Municipality
from pooling.structure.selectors import fixed_premium_keys_for

CONTRIBUTION_RULE_KEYS = [
    "employer_rate_public",
    "maternity_rate_public",
    "employer_rate_other",
    "maternity_rate_other",
    "individual_rate",
    "flexible_rate",
    "provincial_average_wage",
    "base_floor_share",
    "base_cap_share",
    "critical_illness_premium",
    "critical_illness_employer_part",
    "retiree_personal_account_monthly",
    "top_up_rate",
    "minimum_contribution_years",
    "flexible_waiting_months",
    "provincial_life_expectancy",
]


def bases_for(*, user: User) -> QuerySet[ContributionBase]:
    return scope_queryset(
        ContributionBase.objects.select_related("person", "person__county"),
        user,
        county_field="person__county",
        municipality_field="person__municipality",
    )


def assessments_for(*, user: User) -> QuerySet[Assessment]:
    paid = CollectionAllocation.objects.filter(assessment=OuterRef("pk"))
    return scope_queryset(
        Assessment.objects.select_related("county", "person", "employer").annotate(
            paid=Exists(paid)
        ),
        user,
    )


ASSESSMENT_EXPORT_COLUMNS = [
    "month",
    "county",
    "person",
    "id_number",
    "employer",
    "scope",
    "base",
    "employer_pooled_fund",
    "employer_maternity",
    "employer_critical_illness",
    "individual_pooled_fund",
    "individual_personal_account",
    "individual_critical_illness",
    "employer_total",
    "individual_total",
    "total_due",
    "retiree_account_credit",
    "paid",
]
_EXPORTED_AMOUNTS = ASSESSMENT_EXPORT_COLUMNS[6:17]


def assessment_export_rows(assessments: QuerySet[Assessment]) -> Iterator[list]:
    """One line per assessment of ``assessments_for`` in the order of
    ``ASSESSMENT_EXPORT_COLUMNS``, read in chunks (a city's month is millions of rows)."""
    for item in assessments.iterator(chunk_size=2000):
        yield [
            item.month.isoformat()[:7],
            item.county.code,
            item.person.name,
            item.person.id_number,
            item.employer.credit_code if item.employer else "",
            item.scope,
            *(getattr(item, column) for column in _EXPORTED_AMOUNTS),
            int(item.paid),
        ]


@dataclass(frozen=True)
class RuleInForce:
    key: str
    label: str
    clause: str
    kind: str
    value: Decimal | None


def contribution_rules_in_force(
    *, municipality: Municipality, month: datetime.date, county: County | None = None
) -> list[RuleInForce]:
    """The contribution rules (N 三(二)–(三)) in force for ``month``; None where none is."""
    result = []
    fixed = fixed_premium_keys_for(municipality=municipality) or ()
    keys = [key for key in CONTRIBUTION_RULE_KEYS if RULES[key].applies_to(municipality.slug)]
    for key in [*keys, *(key for key in fixed if key not in keys)]:
        spec = RULES[key]
        try:
            value = rule_value(municipality=municipality, key=key, on=month, county=county)
        except RuleNotDefined:
            value = None
        source = spec.source_for(municipality.slug)
        if source == DEMO_DEFAULT:
            source = gettext("demo default")
        result.append(RuleInForce(key, str(spec.label), source, spec.kind, value))
    return result


# Contribution history and eligibility ----------------------------------------------------------


@dataclass
class ContributionHistory:
    paid_months: list[datetime.date] = field(default_factory=list)
    unpaid_months: list[datetime.date] = field(default_factory=list)
    months_paid: int = 0
    years_paid: Decimal = ZERO
    minimum_years: int = 0
    meets_minimum: bool = False
    benefits_from: datetime.date | None = None
    waiting_months: int = 0


def contribution_history(*, person: InsuredPerson, on: datetime.date) -> ContributionHistory:
    """Months paid and cumulative years; when benefits start (N 三(三)).

    Benefits start the month after the first paid month; a first-time flexible worker's start
    the month after ``flexible_waiting_months`` consecutive paid months. Retiree months pay
    nothing and do not count as contribution years.
    """
    history = ContributionHistory()
    assessments = (
        person.assessments.exclude(scope="retiree")
        .annotate(paid=Exists(CollectionAllocation.objects.filter(assessment=OuterRef("pk"))))
        .order_by("month")
        .values_list("month", "paid")
    )
    for month, paid in assessments:
        (history.paid_months if paid else history.unpaid_months).append(month)
    history.months_paid = len(history.paid_months)
    history.years_paid = (Decimal(history.months_paid) / MONTHS_PER_YEAR).quantize(Decimal("0.01"))
    municipality = person.municipality
    history.minimum_years = int(
        rule_value(municipality=municipality, key="minimum_contribution_years", on=on)
    )
    history.meets_minimum = history.months_paid >= history.minimum_years * MONTHS_PER_YEAR
    waiting_first = person.episodes.filter(
        scheme=Scheme.EMPLOYEE, first_enrollment=True, scope__in=FLEXIBLE_SCOPES
    ).exists()
    needed = 1
    if waiting_first:
        history.waiting_months = int(
            rule_value(municipality=municipality, key="flexible_waiting_months", on=on)
        )
        needed = history.waiting_months
    run, previous = 0, None
    for month in history.paid_months:
        run = run + 1 if previous is not None and next_month(previous) == month else 1
        previous = month
        if run >= needed:
            history.benefits_from = next_month(month)
            break
    return history
