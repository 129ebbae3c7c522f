"""Reads of enrollment and contributions shared by pages, the API and the funds app."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce

from enrollment.contributions import MONTHS_PER_YEAR, ZERO, TopUpQuote, top_up_quote
from enrollment.models import (
    FLEXIBLE_SCOPES,
    Assessment,
    CollectionAllocation,
    CollectionBatch,
    CollectionRow,
    ContributionBase,
    Employer,
    EmployerPayroll,
    EnrollmentEpisode,
    InsuredPerson,
    PersonalAccountMovement,
    Scheme,
)
from pooling.access import scope_queryset
from pooling.models import County, Municipality, User
from pooling.money import next_month
from pooling.rules import RULES
from pooling.selectors import RuleNotDefined, rule_value

__all__ = ["TopUpQuote", "top_up_quote"]

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


def bases_for(*, user: User) -> QuerySet[ContributionBase]:
    return scope_queryset(
        ContributionBase.objects.select_related("person", "person__county"),
        user,
        county_field="person__county",
        municipality_field="person__municipality",
    )


def payrolls_for(*, user: User) -> QuerySet[EmployerPayroll]:
    return scope_queryset(
        EmployerPayroll.objects.select_related("employer", "employer__county"),
        user,
        county_field="employer__county",
        municipality_field="employer__municipality",
    )


def assessments_for(*, user: User) -> QuerySet[Assessment]:
    paid = CollectionAllocation.objects.filter(assessment=OuterRef("pk"))
    return scope_queryset(
        Assessment.objects.select_related("county", "person", "employer").annotate(
            paid=Exists(paid)
        ),
        user,
    )


def collection_batches_for(*, user: User) -> QuerySet[CollectionBatch]:
    """Batches are city-wide files: county officers see none (they see their rows' effect in
    the arrears of their county)."""
    return scope_queryset(
        CollectionBatch.objects.select_related("imported_by"), user, county_field=None
    )


def collection_rows_for(*, user: User, batch: CollectionBatch) -> QuerySet[CollectionRow]:
    return scope_queryset(
        batch.rows.select_related("county", "person", "employer"),
        user,
        municipality_field="batch__municipality",
    )


def arrears_for(*, user: User, by: str = "person") -> QuerySet:
    """Assessed minus collected per person or employer: unpaid assessments, summed. An
    assessment is collected when a collection row covered it (it is paid once, fully)."""
    unpaid = assessments_for(user=user).filter(paid=False, total_due__gt=0)
    if by == "employer":
        return (
            unpaid.filter(employer__isnull=False)
            .values("employer", "employer__name", "employer__credit_code", "county__name")
            .annotate(months=Count("month", distinct=True), owed=Sum("total_due"))
            .order_by("-owed", "employer")
        )
    return (
        unpaid.values("person", "person__name", "person__id_number", "county__name")
        .annotate(months=Count("month"), owed=Sum("total_due"))
        .order_by("-owed", "person")
    )


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
    for key in CONTRIBUTION_RULE_KEYS:
        spec = RULES[key]
        try:
            value = rule_value(municipality=municipality, key=key, on=month, county=county)
        except RuleNotDefined:
            value = None
        result.append(RuleInForce(key, str(spec.label), spec.clause, spec.kind, value))
    return result


# Personal accounts (issue item 8) ------------------------------------------------------------


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


# What the funds app posts (issue items 7, 8) --------------------------------------------------

FUND_PARTS = ("pooled_fund", "maternity", "personal_account", "critical_illness")


@dataclass(frozen=True)
class PostingLine:
    county_id: int
    part: str  # one of FUND_PARTS, or "unallocated" for unmatched and over-paid money
    amount: Decimal


def collection_batch_postings(*, batch: CollectionBatch) -> list[PostingLine]:
    """The amounts of a batch per county and fund part, for one ledger entry each.

    Parts are ``pooled_fund`` (310100), ``maternity`` (booked to the employee pooled fund
    where maternity is merged, N 三(二)1), ``personal_account`` (310200, the control account),
    ``critical_illness``, and ``unallocated``: money received but not matched (rows without a
    known county are under ``county_id`` 0 and belong to the city level). The sum of all
    lines equals ``batch.total_amount``.
    """
    sums = {part: Sum(part) for part in FUND_PARTS}
    lines = []
    for row in batch.allocations.values("county_id").annotate(**sums).order_by("county_id"):
        for part in FUND_PARTS:
            if row[part]:
                lines.append(PostingLine(row["county_id"], part, row[part]))
    unallocated = (
        batch.rows.filter(unallocated_amount__gt=0)
        .values("county_id")
        .annotate(total=Sum("unallocated_amount"))
        .order_by("county_id")
    )
    for row in unallocated:
        lines.append(PostingLine(row["county_id"] or 0, "unallocated", row["total"]))
    return lines


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


# Contribution history and eligibility (issue item 9) ------------------------------------------


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


def collection_outcome_counts(*, batch: CollectionBatch) -> dict[str, int]:
    return dict(batch.rows.values_list("outcome").annotate(n=Count("pk")).order_by())
