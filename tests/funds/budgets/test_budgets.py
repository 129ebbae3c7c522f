"""Budgets and quotas (N 三(四)1, 3): transitions, segregation, over-budget quotas,
carry-forward."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from funds.budgets import selectors, services
from funds.budgets.models import ExpenditureQuota, FundBudget
from funds.ledger.models import FundType
from funds.ledger.services import fund_types_ensure
from pooling.rules.models import PolicyRule

pytestmark = pytest.mark.django_db


@pytest.fixture
def budget(jining, city_clerk):
    fund_types_ensure()  # a transactional test before may have flushed the data migration's rows
    return services.fund_budget_draft(
        municipality=jining,
        year=2026,
        fund_type=FundType.objects.get(code="310100"),
        lines={"premiums": "1000.00", "benefits": "800.00", "other_expenditure": "0.50"},
        actor=city_clerk,
    )


def test_budget_moves_draft_submitted_approved(budget, city_clerk, bureau_approver):
    assert selectors.budget_expenditure_total(budget=budget) == Decimal("800.50")
    with pytest.raises(ValidationError):
        services.fund_budget_approve(budget=budget, actor=bureau_approver)
    services.fund_budget_submit(budget=budget, actor=city_clerk)
    with pytest.raises(ValidationError):
        services.fund_budget_submit(budget=budget, actor=city_clerk)
    services.fund_budget_approve(budget=budget, actor=bureau_approver)
    assert budget.status == FundBudget.Status.APPROVED
    with pytest.raises(ValidationError):
        services.fund_budget_draft(
            municipality=budget.municipality,
            year=2026,
            fund_type=budget.fund_type,
            lines={},
            actor=city_clerk,
        )


@pytest.mark.parametrize(
    "role", ["finance_officer", "auditor", "county_a_officer", "bureau_approver"]
)
def test_only_the_agency_drafts_budgets(budget, role, request):
    with pytest.raises(PermissionDenied):
        services.fund_budget_submit(budget=budget, actor=request.getfixturevalue(role))
    budget.refresh_from_db()
    assert budget.status == FundBudget.Status.DRAFT


def test_the_submitter_cannot_approve(budget, city_clerk, bureau_approver):
    services.fund_budget_submit(budget=budget, actor=city_clerk)
    FundBudget.objects.filter(pk=budget.pk).update(submitted_by=bureau_approver)
    budget.refresh_from_db()
    with pytest.raises(ValidationError):
        services.fund_budget_approve(budget=budget, actor=bureau_approver)
    assert FundBudget.objects.get(pk=budget.pk).status == FundBudget.Status.SUBMITTED


def test_quotas_over_the_budget_are_refused_naming_the_excess(
    budget, county_a, county_b, city_clerk
):
    services.expenditure_quota_set(
        budget=budget, county=county_a, amount="500.00", actor=city_clerk
    )
    with pytest.raises(ValidationError) as caught:
        services.expenditure_quota_set(
            budget=budget, county=county_b, amount="300.51", actor=city_clerk
        )
    assert "0.01" in caught.value.message_dict["amount"][0]
    assert ExpenditureQuota.objects.count() == 1


def test_unused_quota_carries_forward_once(budget, county_a, city_clerk, jining):
    services.expenditure_quota_set(
        budget=budget, county=county_a, amount="500.00", actor=city_clerk
    )
    for _run in range(2):
        services.quota_carry_forward(
            municipality=jining, year=2026, fund_type=budget.fund_type, actor=None
        )
    following = ExpenditureQuota.objects.get(county=county_a, year=2027)
    assert following.carried_forward == Decimal("500.00") and following.total == Decimal("500.00")


def test_no_carry_forward_when_the_rule_says_no(budget, county_a, city_clerk, jining):
    services.expenditure_quota_set(
        budget=budget, county=county_a, amount="500.00", actor=city_clerk
    )
    PolicyRule.objects.filter(municipality=jining, key="quota_carry_forward").update(value=0)
    assert (
        services.quota_carry_forward(
            municipality=jining, year=2026, fund_type=budget.fund_type, actor=None
        )
        == []
    )
    assert not ExpenditureQuota.objects.filter(year=2027).exists()
