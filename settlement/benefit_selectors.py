"""Benefit payments counted against the month's usage plan (N 三(四)3–4; issue 7 item 2):
per county, month and fund, what the approved usage plan set aside for benefits against what
was paid to designated institutions. Read-only.

"Approved" is a county plan consolidated into a city plan the bureau has approved (and any
later step: funding requested, disbursed, allocated). The plan lines counted are those that
pay institutions: medical benefits and critical-illness insurance. Payments are the
``benefit_payment`` entries out of the county's expenditure accounts in the month they were
posted, net of their reversals.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q, Sum

from funds.models import Account, JournalEntry, Posting
from pooling.models import County
from settlement.models import CityMonthlyPlan, PlanPurpose, UsagePlanLine

ZERO = Decimal("0.00")
APPROVED_CITY_PLAN = (
    CityMonthlyPlan.Status.APPROVED,
    CityMonthlyPlan.Status.REQUESTED,
    CityMonthlyPlan.Status.DISBURSED,
    CityMonthlyPlan.Status.ALLOCATED,
)
BENEFIT_PURPOSES = (PlanPurpose.BENEFITS, PlanPurpose.CRITICAL_ILLNESS)


@dataclass(frozen=True)
class BenefitPlanUse:
    county_id: int
    month: datetime.date
    fund_code: str
    planned: Decimal
    paid: Decimal

    @property
    def remaining(self) -> Decimal:
        return self.planned - self.paid

    @property
    def over_plan(self) -> bool:
        return self.paid > self.planned


def benefit_plan_use(
    *, counties: list[County], months: list[datetime.date]
) -> list[BenefitPlanUse]:
    """Planned against paid per county, month and fund, for the given counties and months
    (two grouped queries, no loop over rows)."""
    county_ids = [county.pk for county in counties]
    planned = {
        (row["plan__county_id"], row["plan__month"], row["fund_type__code"]): row["total"]
        for row in UsagePlanLine.objects.filter(
            plan__county_id__in=county_ids,
            plan__month__in=months,
            plan__city_plan__status__in=APPROVED_CITY_PLAN,
            purpose__in=BENEFIT_PURPOSES,
        )
        .values("plan__county_id", "plan__month", "fund_type__code")
        .annotate(total=Sum("amount"))
    }
    paid = {
        (row["account__county_id"], row["month"], row["fund_type__code"]): -row["total"]
        for row in Posting.objects.filter(
            Q(entry__kind=JournalEntry.Kind.BENEFIT_PAYMENT)
            | Q(entry__reverses__kind=JournalEntry.Kind.BENEFIT_PAYMENT),
            account__county_id__in=county_ids,
            account__owner=Account.Owner.COUNTY,
            account__kind=Account.Kind.EXPENDITURE,
            month__in=months,
        )
        .values("account__county_id", "month", "fund_type__code")
        .annotate(total=Sum("amount"))
    }
    return [
        BenefitPlanUse(
            county_id=key[0],
            month=key[1],
            fund_code=key[2],
            planned=planned.get(key, ZERO),
            paid=paid.get(key, ZERO),
        )
        for key in sorted(set(planned) | set(paid))
    ]


@dataclass(frozen=True)
class BenefitPlanUseRow:
    """One line of the plan-use page: ``BenefitPlanUse`` with its county."""

    county: County
    use: BenefitPlanUse


def benefit_plan_use_for_year(
    *, counties: list[County], year: int
) -> tuple[list[BenefitPlanUseRow], dict[str, BenefitPlanUse]]:
    """The year's planned against paid for ``counties`` (already scoped to the reader), by
    county, month and fund, and the totals per fund over all of them."""
    months = [datetime.date(year, month, 1) for month in range(1, 13)]
    by_id = {county.pk: county for county in counties}
    uses = benefit_plan_use(counties=counties, months=months)
    rows = [BenefitPlanUseRow(county=by_id[use.county_id], use=use) for use in uses]
    totals: dict[str, BenefitPlanUse] = {}
    for use in uses:
        before = totals.get(use.fund_code)
        totals[use.fund_code] = BenefitPlanUse(
            county_id=0,
            month=months[0],
            fund_code=use.fund_code,
            planned=(before.planned if before else ZERO) + use.planned,
            paid=(before.paid if before else ZERO) + use.paid,
        )
    rows.sort(key=lambda row: (row.use.month, row.county.code, row.use.fund_code))
    return rows, dict(sorted(totals.items()))
