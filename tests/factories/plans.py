"""Helpers of the usage-plan tests: a city with an approved budget, quotas and annual plans,
and money in the fiscal special account."""

import datetime
from decimal import Decimal

from funds.budgets.services import (
    expenditure_quota_set,
    fund_budget_approve,
    fund_budget_draft,
    fund_budget_submit,
)
from funds.ledger.models import Account, FundType
from funds.ledger.selectors import account_for
from funds.ledger.services import PostingLine, accounts_open_for_municipality, entry_post
from pooling.accounts.models import User
from pooling.structure.models import Municipality
from settlement.plans.services import (
    PlanLineInput,
    annual_plan_approve,
    annual_plan_review,
    annual_plan_submit,
)

PLAN_MONTH = datetime.date(2026, 10, 1)
# The counties' deadline for October 2026: 25 September is the Mid-Autumn holiday, the weekend
# follows, so it moves to Monday 28 September.
ON_TIME = datetime.date(2026, 9, 24)


def fund(code: str = "310100") -> FundType:
    return FundType.objects.get(code=code)


def line(amount: str, code: str = "310100", purpose: str = "benefits") -> PlanLineInput:
    return PlanLineInput(fund_type=fund(code), amount=Decimal(amount), purpose=purpose)


def user(username: str) -> User:
    return User.objects.get(username=username)


def fund_fiscal_account(municipality: Municipality, amount: str, code: str = "310100") -> None:
    fiscal = account_for(
        municipality=municipality, county=None, kind=Account.Kind.FISCAL_SPECIAL, fund_code=code
    )
    finance = account_for(
        municipality=municipality,
        county=None,
        kind=Account.Kind.COUNTERPARTY,
        fund_code=code,
        owner=Account.Owner.CITY_FINANCE,
    )
    entry_post(
        municipality=municipality,
        kind="opening_balance",
        month=datetime.date(2026, 9, 1),
        effective_date=datetime.date(2026, 9, 1),
        memo="期初余额",
        actor=None,
        idempotency_key=f"test-opening:{municipality.pk}:{code}",
        lines=[PostingLine(finance, -Decimal(amount)), PostingLine(fiscal, Decimal(amount))],
    )


def prepare_year(municipality: Municipality, year: int = 2026) -> None:
    """Budget 310100 approved, quotas of 任城 and 兖州, both annual plans approved."""
    accounts_open_for_municipality(municipality=municipality, actor=None)
    clerk, bureau = user("jining_clerk"), user("jining_bureau")
    budget = fund_budget_draft(
        municipality=municipality,
        year=year,
        fund_type=fund(),
        lines={"premiums": "90000000.00", "benefits": "80000000.00", "interest": "100000.00"},
        actor=clerk,
    )
    county_a = municipality.counties.get(code="370811")
    county_b = municipality.counties.get(code="370812")
    expenditure_quota_set(budget=budget, county=county_a, amount="12000000.00", actor=clerk)
    expenditure_quota_set(budget=budget, county=county_b, amount="8000000.00", actor=clerk)
    fund_budget_submit(budget=budget, actor=clerk)
    fund_budget_approve(budget=budget, actor=bureau)
    for county, officer, amount in (
        (county_a, "jining_county_a", "12000000.00"),
        (county_b, "jining_county_b", "6000000.00"),
    ):
        plan = annual_plan_submit(
            county=county, year=year, lines=[line(amount)], actor=user(officer)
        )
        annual_plan_review(plan=plan, actor=clerk)
        annual_plan_approve(plan=plan, actor=bureau)
