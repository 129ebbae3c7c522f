"""Reads of the resident scheme: the concentrated enrollment period, the long-term enrollment
terms a new enrollment earns (国办发〔2024〕38号), and the enrollments, contributions and arrears
a user may see."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import F, QuerySet, Sum

from enrollment.people.models import InsuredPerson
from enrollment.residents.models import AssistedGroup, ResidentContribution, ResidentEnrollment
from pooling.accounts.models import User
from pooling.core.access import scope_queryset
from pooling.core.money import ZERO, month_end, round_money
from pooling.rules.selectors import rule_value
from pooling.structure.models import County, Municipality


def enrollment_period(
    *, municipality: Municipality, benefit_year: int, county: County | None = None
) -> tuple[datetime.date, datetime.date]:
    """The concentrated enrollment period of ``benefit_year``: from the 1st of the opening
    month to the last day of the closing month of the year before (rules
    ``resident_enrollment_opens_month`` / ``…_closes_month``, in force on 1 January)."""
    on = datetime.date(benefit_year, 1, 1)
    opens = int(
        rule_value(
            municipality=municipality, key="resident_enrollment_opens_month", on=on, county=county
        )
    )
    closes = int(
        rule_value(
            municipality=municipality,
            key="resident_enrollment_closes_month",
            on=on,
            county=county,
        )
    )
    return (
        datetime.date(benefit_year - 1, opens, 1),
        month_end(datetime.date(benefit_year - 1, closes, 1)),
    )


def add_months(day: datetime.date, months: int) -> datetime.date:
    """``day`` moved ``months`` months on, the day of the month kept where the month has it
    (31 January + 1 month is 28 or 29 February)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    last = month_end(datetime.date(year, month, 1)).day
    return datetime.date(year, month, min(day.day, last))


@dataclass(frozen=True)
class EnrollmentTerms:
    """What the long-term enrollment mechanism gives an enrollment (国办发〔2024〕38号)."""

    late: bool
    years_without_enrollment: int
    waiting_months: int
    benefits_from: datetime.date
    continuous_years: int
    claim_free_years: int
    ceiling_increment: Decimal


def enrollment_terms(
    *,
    person: InsuredPerson,
    county: County,
    benefit_year: int,
    enrolled_on: datetime.date,
    assisted_group: str,
) -> EnrollmentTerms:
    """The terms of ``person``'s enrollment for ``benefit_year`` made on ``enrolled_on``.

    1. Late: enrolled after the concentrated period closed.
    2. Years without enrollment: the benefit years between the person's last earlier
       enrollment and this one (0 for a first enrollment).
    3. Waiting period: none in the period without a break, none for an assisted group;
       otherwise ``resident_waiting_fixed_months`` plus
       ``resident_waiting_months_per_gap_year`` for each year without enrollment after the
       first, at most ``resident_waiting_max_months``. Benefits start that many months after
       enrollment (or 1 January, if later).
    4. Ceiling increment: each year of continuous enrollment beyond
       ``resident_continuous_years_for_increment`` adds ``resident_ceiling_increment_continuous``;
       each earlier year of this continuous run recorded without fund payments adds
       ``resident_ceiling_increment_claim_free``.

    Rule values are those in force on 1 January of the benefit year.
    """
    municipality = county.municipality
    on = datetime.date(benefit_year, 1, 1)

    def rule(key: str) -> Decimal:
        return rule_value(municipality=municipality, key=key, on=on, county=county)

    _opens, closes = enrollment_period(
        municipality=municipality, benefit_year=benefit_year, county=county
    )
    late = enrolled_on > closes
    earlier = dict(
        ResidentEnrollment.objects.filter(person=person, benefit_year__lt=benefit_year)
        .order_by("-benefit_year")
        .values_list("benefit_year", "claim_free")
    )
    gap = benefit_year - 1 - max(earlier) if earlier else 0
    continuous, claim_free_years = 1, 0
    year = benefit_year - 1
    while year in earlier:
        continuous += 1
        claim_free_years += 1 if earlier[year] else 0
        year -= 1
    waiting = 0
    if assisted_group == AssistedGroup.NONE and (late or gap > 0):
        waiting = int(rule("resident_waiting_fixed_months")) + int(
            rule("resident_waiting_months_per_gap_year")
        ) * max(0, gap - 1)
        waiting = min(waiting, int(rule("resident_waiting_max_months")))
    start = max(enrolled_on, on)
    increment = max(0, continuous - int(rule("resident_continuous_years_for_increment"))) * rule(
        "resident_ceiling_increment_continuous"
    ) + claim_free_years * rule("resident_ceiling_increment_claim_free")
    return EnrollmentTerms(
        late=late,
        years_without_enrollment=gap,
        waiting_months=waiting,
        benefits_from=add_months(start, waiting),
        continuous_years=continuous,
        claim_free_years=claim_free_years,
        ceiling_increment=round_money(increment),
    )


def resident_enrollments_for(*, user: User) -> QuerySet[ResidentEnrollment]:
    return scope_queryset(
        ResidentEnrollment.objects.select_related("person", "county", "contribution"), user
    )


def resident_contributions_for(*, user: User) -> QuerySet[ResidentContribution]:
    return scope_queryset(
        ResidentContribution.objects.select_related("enrollment__person", "county"), user
    )


def resident_arrears_for(*, user: User) -> QuerySet[ResidentContribution]:
    """Contributions not (fully) paid, the largest outstanding first."""
    return (
        resident_contributions_for(user=user)
        .filter(paid__lt=F("amount"))
        .annotate(outstanding_amount=F("amount") - F("paid"))
        .order_by("-benefit_year", "county__code", "-outstanding_amount", "pk")
    )


def arrears_total(queryset: QuerySet[ResidentContribution]) -> Decimal:
    total = queryset.aggregate(total=Sum(F("amount") - F("paid")))["total"]
    return round_money(total or ZERO)
