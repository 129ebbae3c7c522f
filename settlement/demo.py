"""Demo data of the usage-plan cycle: the demo year's budget of the employee pooled fund,
county quotas, and approved annual plans of the two demo counties, so a plan month can run."""

from decimal import Decimal

from django.utils import timezone

from funds import budgets
from funds.models import FundBudget, FundType
from pooling.demo import DemoOptions, register_seeder
from pooling.models import Municipality, Role, User
from settlement import plans
from settlement.models import AnnualPlan

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
    budget = budgets.fund_budget_draft(
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
        budgets.expenditure_quota_set(
            budget=budget, county=county, amount=COUNTY_QUOTA, actor=clerk
        )
    budgets.fund_budget_submit(budget=budget, actor=clerk)
    budgets.fund_budget_approve(budget=budget, actor=bureau)
    for officer in users.filter(role=Role.COUNTY_OFFICER).order_by("pk"):
        plan = plans.annual_plan_submit(
            county=officer.county,
            year=year,
            actor=officer,
            lines=[plans.PlanLineInput(fund_type=fund, amount=COUNTY_QUOTA)],
        )
        plans.annual_plan_review(plan=plan, actor=clerk)
        plans.annual_plan_approve(plan=plan, actor=bureau)
    approved = AnnualPlan.objects.filter(municipality=municipality, year=year).count()
    log(f"Approved the {year} budget, {len(counties)} quotas and {approved} annual plans")


register_seeder(50, "budgets and annual plans", seed_plans)
