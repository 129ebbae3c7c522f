"""Reads of the plans shared by pages, the API, the services and the notifications: the plans
a user may see, the month's deadlines, what is left of an annual plan, the consolidated
amounts and the month's overview."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import QuerySet, Sum

from pooling.accounts.models import User
from pooling.core.access import scope_queryset
from pooling.core.money import ZERO, month_start, next_month, parse_month
from pooling.rules.selectors import rule_value
from pooling.structure.models import County, Municipality
from pooling.workdays.selectors import CalendarYearUnknown, add_working_days, roll_to_working_day
from settlement.plans.models import (
    AnnualPlan,
    AnnualPlanLine,
    CityMonthlyPlan,
    PlanStep,
    UsagePlan,
    UsagePlanLine,
)


def usage_plans_for(*, user: User) -> QuerySet[UsagePlan]:
    """Usage plans the user may read: a county officer only their county's."""
    return scope_queryset(
        UsagePlan.objects.select_related("county", "submitted_by").prefetch_related(
            "lines__fund_type"
        ),
        user,
    )


def annual_plans_for(*, user: User) -> QuerySet[AnnualPlan]:
    """Annual plans the user may read: a county officer only their county's."""
    return scope_queryset(
        AnnualPlan.objects.select_related(
            "county", "submitted_by", "reviewed_by", "approved_by"
        ).prefetch_related("lines__fund_type"),
        user,
    )


def city_plans_for(*, user: User) -> QuerySet[CityMonthlyPlan]:
    """City monthly plans: city roles of the municipality only."""
    return scope_queryset(
        CityMonthlyPlan.objects.prefetch_related("steps__done_by"), user, county_field=None
    )


# ---------------------------------------------------------------------------------------------
# Deadlines (N 三(四)4)
# ---------------------------------------------------------------------------------------------


def usage_plan_deadline(*, municipality: Municipality, month: datetime.date) -> datetime.date:
    """The day by which counties file the usage plan of ``month``: the deadline day of the
    month before, moved to the next working day when it is not one (Civil Code art. 203).
    Raises ``CalendarYearUnknown`` for a year the calendar does not know."""
    previous = month_start(month - datetime.timedelta(days=1))
    day = int(rule_value(municipality=municipality, key="usage_plan_deadline_day", on=previous))
    last_day = (month - datetime.timedelta(days=1)).day
    return roll_to_working_day(previous.replace(day=min(day, last_day)))


def consolidation_deadline(*, municipality: Municipality, month: datetime.date) -> datetime.date:
    """Within ``consolidation_working_days`` working days after the counties' deadline the
    city plan is consolidated, approved and requested from finance."""
    deadline = usage_plan_deadline(municipality=municipality, month=month)
    days = int(rule_value(municipality=municipality, key="consolidation_working_days", on=deadline))
    return add_working_days(deadline, days)


def plan_month_from(value: str | None, *, today: datetime.date) -> datetime.date:
    """The month a plan page shows: ``value`` (``YYYY-MM``) when it is one, else next month,
    the month the counties are planning now."""
    try:
        return parse_month(value) if value else next_month(month_start(today))
    except ValidationError:
        return next_month(month_start(today))


# ---------------------------------------------------------------------------------------------
# Amounts
# ---------------------------------------------------------------------------------------------


def remaining_by_fund(
    *, county: County, year: int, exclude: UsagePlan | None = None
) -> dict[int, Decimal]:
    """What is left of the county's approved annual plan, per fund id: the approved amount
    less every usage plan of the year that is submitted or consolidated."""
    approved = dict(
        AnnualPlanLine.objects.filter(
            plan__county=county, plan__year=year, plan__status=AnnualPlan.Status.APPROVED
        ).values_list("fund_type_id", "amount")
    )
    used_rows = (
        UsagePlanLine.objects.filter(
            plan__county=county,
            plan__month__year=year,
            plan__status__in=[UsagePlan.Status.SUBMITTED, UsagePlan.Status.CONSOLIDATED],
        )
        .exclude(plan=exclude)
        .values("fund_type_id")
        .annotate(total=Sum("amount"))
    )
    used = {row["fund_type_id"]: row["total"] for row in used_rows}
    return {fund_id: amount - used.get(fund_id, ZERO) for fund_id, amount in approved.items()}


def plan_totals(*, city_plan: CityMonthlyPlan) -> dict[tuple[int, str], Decimal]:
    """The consolidated amounts per (county id, fund code)."""
    rows = (
        UsagePlanLine.objects.filter(plan__city_plan=city_plan)
        .values("plan__county_id", "fund_type__code")
        .annotate(total=Sum("amount"))
        .order_by("plan__county_id", "fund_type__code")
    )
    return {(row["plan__county_id"], row["fund_type__code"]): row["total"] for row in rows}


# ---------------------------------------------------------------------------------------------
# The month's overview (dashboard, consolidation page, city plan page)
# ---------------------------------------------------------------------------------------------


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

    @property
    def previous_month(self) -> datetime.date:
        return month_start(self.month - datetime.timedelta(days=1))

    @property
    def next_month(self) -> datetime.date:
        return next_month(self.month)


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
