"""Each county's yearly targets and their assessment at year end (Z 四(八), J 二(五)3, DOMAIN §8).

The city sets every member unit (the city level included) four targets a year: enrollment
(insured people at year end), collection (yuan), and the revenue and expenditure plan of its
funds (yuan). At year end the actual figures are read set-based, one grouped query each:

- **enrolled**: distinct people with an enrollment episode (either scheme) in force in
  December of the year, by the episode's county (扩面: coverage at year end);
- **collected**: the contributions the county's own accounts received in the year's months
  (entries of kind collection and top-up, positive postings on accounts the county owns:
  income accounts and the personal-account control account), all funds;
- **revenue** and **spending**: the county's year result summed over its funds, from
  ``funds.reports.selectors.county_year_results`` (one definition of a year's result
  everywhere).

Completion rates are ``actual ÷ target``, rounded half-up to four places (0.01 %). For the
expenditure plan the rate shown is the execution rate (spending ÷ plan); the tier's
*completion* used by the adjustment-fund waterfall counts keeping within the plan as 100 %
and overspending as plan ÷ spending. Completion = Σ weightₖ × min(rateₖ, 1) ÷ Σ weightₖ over
the four targets (enrollment, collection, revenue, expenditure), weights from the dated rules
``target_weight_*`` (0.25 each by default), rounded half-up to four places. A county with
no targets for the year has no completion (None).
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q, QuerySet, Sum
from django.utils.translation import gettext_lazy as _

from enrollment.people.models import EnrollmentEpisode
from funds.ledger.models import Account, JournalEntry, Posting
from funds.reports.selectors import county_year_results
from pooling.accounts.models import User
from pooling.core.access import scope_queryset
from pooling.core.money import ZERO, round_money
from pooling.rules.selectors import rule_value
from pooling.structure.models import County, Municipality
from pooling.structure.selectors import counties_for
from settlement.targets.models import CountyTarget

ONE = Decimal("1")
RATE_PLACES = Decimal("0.0001")
COLLECTED_KINDS = (JournalEntry.Kind.COLLECTION, JournalEntry.Kind.TOP_UP)
# The columns of the assessment's CSV/XLSX export (``target_export_rows``).
TARGET_EXPORT_HEADER = (
    _("County code"),
    _("County"),
    _("Year"),
    _("Enrollment target"),
    _("Enrolled at year end"),
    _("Enrollment completion"),
    _("Collection target"),
    _("Collected"),
    _("Collection completion"),
    _("Revenue plan"),
    _("Revenue"),
    _("Revenue completion"),
    _("Expenditure plan"),
    _("Spending"),
    _("Expenditure execution"),
    _("Completion"),
)


def rate_round(value: Decimal) -> Decimal:
    """A rate rounded half-up to four places (0.01 %), the one rounding of this module."""
    return value.quantize(RATE_PLACES, rounding=ROUND_HALF_UP)


def completion_rate(actual: Decimal | int, target: Decimal | int) -> Decimal:
    """``actual ÷ target`` rounded half-up to four places; targets are positive."""
    return rate_round(Decimal(actual) / Decimal(target))


def percent(rate: Decimal | None) -> str:
    """A four-place rate as a percentage with two places (the rate is already rounded);
    nothing for no rate."""
    return "" if rate is None else f"{(rate * 100).quantize(Decimal('0.01'))} %"


def county_targets_for(*, user: User) -> QuerySet[CountyTarget]:
    """Targets the user may read: a county officer their county's, others their city's."""
    return scope_queryset(
        CountyTarget.objects.select_related("county", "set_by"),
        user,
        county_field="county",
        municipality_field="municipality",
    )


@dataclass(frozen=True)
class TargetAssessment:
    """A county's targets of a year against its actual figures (None where no target)."""

    county: County
    year: int
    target: CountyTarget | None
    enrolled: int
    collected: Decimal
    revenue: Decimal
    spending: Decimal
    enrollment_rate: Decimal | None
    collection_rate: Decimal | None
    revenue_rate: Decimal | None
    expenditure_rate: Decimal | None
    completion: Decimal | None


def enrolled_at_year_end(*, municipality: Municipality, year: int) -> dict[int, int]:
    """Distinct insured people per county with an episode in force in December of ``year``."""
    december = datetime.date(year, 12, 1)
    rows = (
        EnrollmentEpisode.objects.filter(
            county__municipality=municipality, from_month__lte=december
        )
        .filter(Q(to_month__isnull=True) | Q(to_month__gte=december))
        .values("county")
        .annotate(people=Count("person", distinct=True))
    )
    return {row["county"]: row["people"] for row in rows}


def collected_in_year(*, municipality: Municipality, year: int) -> dict[int, Decimal]:
    """Contributions received per county in ``year``'s months, all funds (module docstring)."""
    rows = (
        Posting.objects.filter(
            account__municipality=municipality,
            account__owner=Account.Owner.COUNTY,
            account__county__isnull=False,
            month__year=year,
            amount__gt=0,
            entry__kind__in=COLLECTED_KINDS,
        )
        .values("account__county")
        .annotate(total=Sum("amount"))
    )
    return {row["account__county"]: round_money(row["total"]) for row in rows}


def year_totals(*, municipality: Municipality, year: int) -> dict[int, tuple[Decimal, Decimal]]:
    """(revenue, spending) per county summed over its funds, from the funds' year results."""
    totals: dict[int, list[Decimal]] = defaultdict(lambda: [ZERO, ZERO])
    for result in county_year_results(municipality=municipality, year=year):
        totals[result.county.pk][0] += result.revenue
        totals[result.county.pk][1] += result.spending
    return {
        pk: (round_money(revenue), round_money(spending))
        for pk, (revenue, spending) in totals.items()
    }


def completion_weights(*, municipality: Municipality, year: int) -> dict[str, Decimal]:
    """The dated weights of the three components of a tier's completion, in force on 31 Dec."""
    on = datetime.date(year, 12, 31)
    return {
        name: rule_value(municipality=municipality, key=f"target_weight_{name}", on=on)
        for name in ("enrollment", "collection", "revenue", "expenditure")
    }


def completion_of(
    *,
    weights: dict[str, Decimal],
    enrollment_rate: Decimal | None,
    collection_rate: Decimal | None,
    revenue_rate: Decimal | None,
    expenditure_rate: Decimal | None,
) -> Decimal | None:
    """The tier's completion (module docstring): the weighted mean of the capped rates of the
    targets set; keeping within the expenditure plan counts as 1, overspending as
    plan ÷ spending (the reciprocal of the execution rate)."""
    parts: list[tuple[Decimal, Decimal]] = []
    if enrollment_rate is not None:
        parts.append((weights["enrollment"], min(enrollment_rate, ONE)))
    if collection_rate is not None:
        parts.append((weights["collection"], min(collection_rate, ONE)))
    if revenue_rate is not None:
        parts.append((weights["revenue"], min(revenue_rate, ONE)))
    if expenditure_rate is not None:
        within = ONE if expenditure_rate <= ONE else ONE / expenditure_rate
        parts.append((weights["expenditure"], within))
    total_weight = sum((weight for weight, _rate in parts), Decimal("0"))
    if not parts or total_weight <= 0:
        return None
    return rate_round(sum((weight * rate for weight, rate in parts), Decimal("0")) / total_weight)


def target_assessments(
    *, municipality: Municipality, year: int, counties: list[County] | None = None
) -> list[TargetAssessment]:
    """Actual against target with completion rates for every member unit of ``year`` (or
    ``counties``), in code order. Four grouped queries whatever the number of counties."""
    if counties is None:
        first, last = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
        counties = list(
            municipality.counties.filter(member_from__lte=last)
            .filter(Q(member_to__isnull=True) | Q(member_to__gte=first))
            .order_by("code")
        )
    targets = {
        target.county_id: target
        for target in CountyTarget.objects.filter(municipality=municipality, year=year)
    }
    enrolled = enrolled_at_year_end(municipality=municipality, year=year)
    collected = collected_in_year(municipality=municipality, year=year)
    totals = year_totals(municipality=municipality, year=year)
    weights = completion_weights(municipality=municipality, year=year)
    assessments = []
    for county in counties:
        target = targets.get(county.pk)
        revenue, spending = totals.get(county.pk, (ZERO, ZERO))
        people = enrolled.get(county.pk, 0)
        money = collected.get(county.pk, ZERO)
        rates = {
            "enrollment_rate": None,
            "collection_rate": None,
            "revenue_rate": None,
            "expenditure_rate": None,
        }
        if target is not None:
            rates = {
                "enrollment_rate": completion_rate(people, target.enrollment_target),
                "collection_rate": completion_rate(money, target.collection_target),
                "revenue_rate": completion_rate(revenue, target.revenue_plan),
                "expenditure_rate": completion_rate(spending, target.expenditure_plan),
            }
        completion = completion_of(
            weights=weights,
            enrollment_rate=rates["enrollment_rate"],
            collection_rate=rates["collection_rate"],
            revenue_rate=rates["revenue_rate"],
            expenditure_rate=rates["expenditure_rate"],
        )
        assessments.append(
            TargetAssessment(
                county=county,
                year=year,
                target=target,
                enrolled=people,
                collected=money,
                revenue=revenue,
                spending=spending,
                completion=completion,
                **rates,
            )
        )
    return assessments


def target_assessments_for(*, user: User, year: int) -> list[TargetAssessment]:
    """The year's assessment of the member units of ``year`` that ``user`` may see: a
    county officer only their own county; nothing for a user bound to no city."""
    if user.municipality_id is None:
        return []
    first, last = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    counties = list(
        counties_for(user=user)
        .filter(member_from__lte=last)
        .filter(Q(member_to__isnull=True) | Q(member_to__gte=first))
        .order_by("code")
    )
    return target_assessments(municipality=user.municipality, year=year, counties=counties)


def target_export_rows(assessments: list[TargetAssessment]):
    """The assessment as the export's rows (``TARGET_EXPORT_HEADER``): rates as four-place
    numbers, empty where there is no target."""
    for row in assessments:
        target = row.target
        yield [
            row.county.code,
            row.county.name,
            row.year,
            target.enrollment_target if target else "",
            row.enrolled,
            row.enrollment_rate or "",
            target.collection_target if target else "",
            row.collected,
            row.collection_rate or "",
            target.revenue_plan if target else "",
            row.revenue,
            row.revenue_rate or "",
            target.expenditure_plan if target else "",
            row.spending,
            row.expenditure_rate or "",
            row.completion if row.completion is not None else "",
        ]
