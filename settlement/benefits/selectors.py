"""The reads of the benefit settlements: the statements a user may see, and the benefits
paid against the approved usage plan (per county, month and fund, net of reversals)."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q, QuerySet, Sum
from django.utils.translation import gettext_lazy as _

from funds.ledger.models import Account, JournalEntry, Posting
from pooling.accounts.models import User
from pooling.core.access import scope_queryset
from pooling.core.money import ZERO
from pooling.structure.models import County
from pooling.structure.selectors import counties_for
from settlement.benefits.models import BenefitStatement
from settlement.plans.models import CityMonthlyPlan, PlanPurpose, UsagePlanLine


def benefit_statements_for(*, user: User) -> QuerySet[BenefitStatement]:
    """The statements ``user`` may see: a county officer's own county, else the city's."""
    return scope_queryset(
        BenefitStatement.objects.select_related("county", "institution", "fund_type", "payment"),
        user,
    )


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


def benefit_plan_use_for(
    *, user: User, year: int, county: County | None = None
) -> tuple[list[BenefitPlanUseRow], dict[str, BenefitPlanUse]]:
    """``benefit_plan_use_for_year`` of ``county`` (one the user may see), or of every county
    the user may see."""
    counties = [county] if county else list(counties_for(user=user).order_by("code"))
    return benefit_plan_use_for_year(counties=counties, year=year)


# The columns of the plan-use export (``benefit_plan_use_export_rows``).
BENEFIT_PLAN_USE_EXPORT_HEADER = (
    _("Month"),
    _("County code"),
    _("County"),
    _("Fund"),
    _("Planned"),
    _("Paid"),
    _("Remaining"),
    _("Over plan"),
)


def benefit_plan_use_export_rows(rows: list[BenefitPlanUseRow]):
    """The plan-use rows as the export's lines (``BENEFIT_PLAN_USE_EXPORT_HEADER``)."""
    for row in rows:
        yield (
            row.use.month.strftime("%Y-%m"),
            row.county.code,
            row.county.name,
            row.use.fund_code,
            row.use.planned,
            row.use.paid,
            row.use.remaining,
            str(_("yes")) if row.use.over_plan else "",
        )
