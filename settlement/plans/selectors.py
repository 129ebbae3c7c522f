"""Reads of the usage-plan cycle shared by pages, the API and tasks."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import QuerySet

from pooling.accounts.models import User
from pooling.core.access import scope_queryset
from pooling.core.money import ZERO
from pooling.structure.models import County, Municipality
from pooling.workdays.selectors import CalendarYearUnknown
from settlement.plans.models import AnnualPlan, CityMonthlyPlan, PlanStep, UsagePlan
from settlement.plans.services import consolidation_deadline, usage_plan_deadline


def usage_plans_for(*, user: User) -> QuerySet[UsagePlan]:
    """Usage plans the user may read: a county officer only their county's."""
    return scope_queryset(
        UsagePlan.objects.select_related("county", "submitted_by").prefetch_related(
            "lines__fund_type"
        ),
        user,
    )


def annual_plans_for(*, user: User) -> QuerySet[AnnualPlan]:
    return scope_queryset(
        AnnualPlan.objects.select_related("county").prefetch_related("lines__fund_type"), user
    )


def city_plans_for(*, user: User) -> QuerySet[CityMonthlyPlan]:
    """City monthly plans: city roles of the municipality only."""
    return scope_queryset(
        CityMonthlyPlan.objects.prefetch_related("steps__done_by"), user, county_field=None
    )


def step_is_overdue(step: PlanStep, today: datetime.date) -> bool:
    return (step.done_at is None and today > step.deadline) or step.on_time is False


@dataclass
class CountyRow:
    county: County
    plan: UsagePlan | None
    by_fund: dict[str, Decimal]
    total: Decimal
    overdue: bool


@dataclass
class MonthOverview:
    """Every county's plan of a month side by side, the totals by fund and the city steps."""

    month: datetime.date
    deadline: datetime.date | None
    consolidation_deadline: datetime.date | None
    calendar_error: str
    funds: list[str]
    rows: list[CountyRow]
    totals: dict[str, Decimal]
    total: Decimal
    city_plan: CityMonthlyPlan | None
    steps: list[tuple[PlanStep, bool]] = field(default_factory=list)


def month_overview(
    *, municipality: Municipality, month: datetime.date, today: datetime.date
) -> MonthOverview:
    deadline = consolidate_by = None
    calendar_error = ""
    try:
        deadline = usage_plan_deadline(municipality=municipality, month=month)
        consolidate_by = consolidation_deadline(municipality=municipality, month=month)
    except CalendarYearUnknown as error:
        calendar_error = " ".join(error.messages)
    plans = {
        plan.county_id: plan
        for plan in UsagePlan.objects.filter(
            municipality=municipality, month=month
        ).prefetch_related("lines__fund_type")
    }
    funds: set[str] = set()
    rows = []
    totals: dict[str, Decimal] = {}
    for county in municipality.counties.order_by("code"):
        if not county.is_member_on(month):
            continue
        plan = plans.get(county.pk)
        by_fund: dict[str, Decimal] = {}
        if plan is not None and plan.status != UsagePlan.Status.RETURNED:
            for line in plan.lines.all():
                code = line.fund_type.code
                funds.add(code)
                by_fund[code] = by_fund.get(code, ZERO) + line.amount
                totals[code] = totals.get(code, ZERO) + line.amount
        missing = plan is None or plan.status == UsagePlan.Status.RETURNED
        overdue = (missing and deadline is not None and today > deadline) or bool(
            plan and plan.is_late
        )
        rows.append(CountyRow(county, plan, by_fund, sum(by_fund.values(), ZERO), overdue))
    city_plan = CityMonthlyPlan.objects.filter(municipality=municipality, month=month).first()
    steps = []
    if city_plan is not None:
        steps = [(step, step_is_overdue(step, today)) for step in city_plan.steps.all()]
    return MonthOverview(
        month=month,
        deadline=deadline,
        consolidation_deadline=consolidate_by,
        calendar_error=calendar_error,
        funds=sorted(funds),
        rows=rows,
        totals=totals,
        total=sum(totals.values(), ZERO),
        city_plan=city_plan,
        steps=steps,
    )
