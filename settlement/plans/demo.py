"""Demo data of the usage-plan cycle: the demo year's budget of the employee pooled fund,
county quotas, and approved annual plans of the two demo counties; then one plan month run
through allocation on last month's revenue, so the demo ledger has spending."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils import timezone

from funds.budgets.models import FundBudget
from funds.budgets.services import (
    expenditure_quota_set,
    fund_budget_approve,
    fund_budget_draft,
    fund_budget_submit,
)
from funds.ledger.models import FundType
from pooling.accounts.models import Role, User
from pooling.core.money import month_start
from pooling.structure.demo import DemoOptions, demo_month, register_seeder
from pooling.structure.models import Municipality
from settlement.cycle.models import CycleStep
from settlement.cycle.services import cycle_run_all, cycle_start
from settlement.plans.models import AnnualPlan
from settlement.plans.services import (
    PlanLineInput,
    annual_plan_approve,
    annual_plan_review,
    annual_plan_submit,
)
from settlement.simulation.services import MonthResult, personas_for, simulation_plan_month

DEMO_FUND = "310100"
COUNTY_QUOTA = Decimal("12000000.00")


def seed_plans(municipality: Municipality, options: DemoOptions, log) -> None:
    year = timezone.localdate().year
    fund = FundType.objects.get(code=DEMO_FUND)
    if FundBudget.objects.filter(municipality=municipality, year=year, fund_type=fund).exists():
        log(f"The {year} budget already exists")
        return
    users = User.objects.filter(municipality=municipality)
    clerk = users.filter(role=Role.AGENCY_CLERK).order_by("pk").first()
    bureau = users.filter(role=Role.BUREAU_APPROVER).order_by("pk").first()
    counties = list(municipality.counties.order_by("code"))
    budget = fund_budget_draft(
        municipality=municipality,
        year=year,
        fund_type=fund,
        actor=clerk,
        lines={
            "premiums": COUNTY_QUOTA * (len(counties) + 1),
            "interest": Decimal("100000.00"),
            "benefits": COUNTY_QUOTA * len(counties),
        },
    )
    for county in counties:
        expenditure_quota_set(budget=budget, county=county, amount=COUNTY_QUOTA, actor=clerk)
    fund_budget_submit(budget=budget, actor=clerk)
    fund_budget_approve(budget=budget, actor=bureau)
    for officer in users.filter(role=Role.COUNTY_OFFICER).order_by("pk"):
        plan = annual_plan_submit(
            county=officer.county,
            year=year,
            actor=officer,
            lines=[PlanLineInput(fund_type=fund, amount=COUNTY_QUOTA)],
        )
        annual_plan_review(plan=plan, actor=clerk)
        annual_plan_approve(plan=plan, actor=bureau)
    approved = AnnualPlan.objects.filter(municipality=municipality, year=year).count()
    log(f"Approved the {year} budget, {len(counties)} quotas and {approved} annual plans")


register_seeder(50, "budgets and annual plans", seed_plans)


def seed_spending_month(municipality: Municipality, options: DemoOptions, log) -> None:
    """Put spending in the demo ledger: the demo month's (last month's) cycle runs to the
    month close, so that month's collections reach the pools and no cycle is left half run
    (a month's cycle may start only on its last day); then this month's usage plan runs
    through allocation on that revenue (``settlement.simulation``) for the demo counties, so
    the benefits seeder that follows can pay its statements. Running it again finds the cycle
    completed and the plan month allocated, and books nothing."""
    revenue_month = demo_month()
    month = month_start(timezone.localdate())
    personas = personas_for(municipality, create_officers=False)
    cycle, _created = cycle_start(
        municipality=municipality, month=revenue_month, actor=personas.clerk, queue=False
    )
    for outcome in cycle_run_all(cycle=cycle, actor=personas.clerk):
        if outcome.status != CycleStep.Status.DONE:
            log(f"Cycle step {outcome.name} not done: {outcome.error}")
            return
    result = MonthResult(month=month)
    try:
        received = simulation_plan_month(
            municipality=municipality,
            month=month,
            revenue_month=revenue_month,
            personas=personas,
            result=result,
        )
    except ValidationError as error:
        log(f"Usage-plan month not run: {' '.join(error.messages)}")
        return
    log(
        f"Allocated {result.planned} and disbursed {result.own_disbursed} from own funds "
        f"to {len(received)} counties for {month:%Y-%m}"
    )


register_seeder(55, "spending month", seed_spending_month)
