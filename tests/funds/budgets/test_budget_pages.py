"""Budget and quota pages: the draft form with the standard lines, submit, approve (never by
the submitter), quotas with errors next to their fields, carry-forward, and each role's
access with nothing changed on a refusal (N 三(四)1, 3)."""

from decimal import Decimal

import pytest
from django.urls import reverse

from funds.budgets import services
from funds.budgets.models import ExpenditureQuota, FundBudget
from funds.ledger.models import FundType
from funds.ledger.services import fund_types_ensure

pytestmark = pytest.mark.django_db


@pytest.fixture
def fund(jining):
    fund_types_ensure()
    return FundType.objects.get(code="310100")


@pytest.fixture
def budget(jining, fund, city_clerk):
    return services.fund_budget_draft(
        municipality=jining,
        year=2026,
        fund_type=fund,
        lines={"premiums": "1000.00", "benefits": "800.00"},
        actor=city_clerk,
    )


def test_clerk_drafts_a_budget_with_the_standard_lines(jining, fund, client_for, city_clerk):
    client = client_for(city_clerk)
    page = client.get(reverse("funds:budget_create"))
    assert page.status_code == 200
    assert b'name="line_premiums"' in page.content and b'name="line_grant_to_lower"' in page.content
    response = client.post(
        reverse("funds:budget_create"),
        {"year": "2026", "fund_type": fund.pk, "line_premiums": "900.10", "line_benefits": "700"},
    )
    assert response.status_code == 302
    budget = FundBudget.objects.get()
    assert {line.code: line.amount for line in budget.lines.all()} == {
        "premiums": Decimal("900.10"),
        "benefits": Decimal("700.00"),
    }
    detail = client.get(response.url)
    assert b'id="expenditure-total">700.00' in detail.content


def test_bad_amount_shows_next_to_its_line_and_saves_nothing(jining, fund, client_for, city_clerk):
    response = client_for(city_clerk).post(
        reverse("funds:budget_create"),
        {"year": "2026", "fund_type": fund.pk, "line_benefits": "-1"},
    )
    assert response.status_code == 400
    assert response.context["form"].errors["line_benefits"]
    assert not FundBudget.objects.exists()


@pytest.mark.parametrize("role", ["bureau_approver", "finance_officer", "auditor"])
def test_only_the_agency_drafts(jining, fund, client_for, request, role):
    client = client_for(request.getfixturevalue(role))
    assert client.get(reverse("funds:budget_create")).status_code == 403
    response = client.post(reverse("funds:budget_create"), {"year": "2026", "fund_type": fund.pk})
    assert response.status_code == 403
    assert not FundBudget.objects.exists()


def test_submit_then_approve_by_the_bureau(budget, client_for, city_clerk, bureau_approver):
    submit = reverse("funds:budget_submit", args=[budget.pk])
    approve = reverse("funds:budget_approve", args=[budget.pk])
    assert client_for(bureau_approver).post(submit).status_code == 403
    assert client_for(city_clerk).post(approve).status_code == 403
    budget.refresh_from_db()
    assert budget.status == "draft"
    assert client_for(city_clerk).post(submit).status_code == 302
    page = client_for(bureau_approver).get(reverse("funds:budget_detail", args=[budget.pk]))
    assert b'id="approve-budget"' in page.content
    assert client_for(bureau_approver).post(approve).status_code == 302
    budget.refresh_from_db()
    assert budget.status == "approved" and budget.approved_by == bureau_approver


def test_nobody_approves_what_they_submitted(budget, client_for, bureau_approver):
    # A bureau approver who also submitted (e.g. an administrator's data fix) is refused.
    FundBudget.objects.filter(pk=budget.pk).update(status="submitted", submitted_by=bureau_approver)
    client = client_for(bureau_approver)
    page = client.get(reverse("funds:budget_detail", args=[budget.pk]))
    assert b'id="approve-budget"' not in page.content
    client.post(reverse("funds:budget_approve", args=[budget.pk]))
    budget.refresh_from_db()
    assert budget.status == "submitted"


def test_quota_over_the_budget_shows_the_excess_next_to_the_amount(
    budget, client_for, city_clerk, county_a, county_b
):
    url = reverse("funds:quota_set", args=[budget.pk])
    client = client_for(city_clerk)
    assert client.post(url, {"county": county_a.pk, "amount": "500.00"}).status_code == 302
    response = client.post(url, {"county": county_b.pk, "amount": "300.01"})
    assert response.status_code == 400
    assert "超出 0.01 元" in str(response.context["form"].errors["amount"])
    assert list(ExpenditureQuota.objects.values_list("county__code", "amount")) == [
        ("370811", Decimal("500.00"))
    ]


def test_quota_form_refuses_nonsense_without_a_500(budget, client_for, city_clerk):
    url = reverse("funds:quota_set", args=[budget.pk])
    response = client_for(city_clerk).post(url, {"county": "abc", "amount": "x"})
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"county", "amount"}


def test_county_officer_reads_only_their_quota(
    budget, client_for, city_clerk, county_a, county_b, county_a_officer
):
    services.expenditure_quota_set(budget=budget, county=county_a, amount="10.00", actor=city_clerk)
    services.expenditure_quota_set(budget=budget, county=county_b, amount="20.00", actor=city_clerk)
    client = client_for(county_a_officer)
    page = client.get(reverse("funds:quota_list"))
    assert [quota.county for quota in page.context["object_list"]] == [county_a]
    url = reverse("funds:quota_set", args=[budget.pk])
    assert client.post(url, {"county": county_a.pk, "amount": "1.00"}).status_code == 403
    assert ExpenditureQuota.objects.get(county=county_a).amount == Decimal("10.00")


def test_carry_forward_from_an_approved_budget(
    budget, client_for, city_clerk, bureau_approver, county_a, auditor
):
    services.expenditure_quota_set(
        budget=budget, county=county_a, amount="100.00", actor=city_clerk
    )
    url = reverse("funds:quota_carry_forward", args=[budget.pk])
    client_for(city_clerk).post(url)  # still a draft: refused with a message
    assert not ExpenditureQuota.objects.filter(year=2027).exists()
    services.fund_budget_submit(budget=budget, actor=city_clerk)
    services.fund_budget_approve(budget=budget, actor=bureau_approver)
    assert client_for(auditor).post(url).status_code == 403
    assert not ExpenditureQuota.objects.filter(year=2027).exists()
    assert client_for(city_clerk).post(url).status_code == 302
    following = ExpenditureQuota.objects.get(year=2027)
    assert following.carried_forward == Decimal("100.00")


def test_everyone_reads_budgets_of_their_city(budget, client_for, personas):
    for user in personas.values():
        response = client_for(user).get(reverse("funds:budget_detail", args=[budget.pk]))
        assert response.status_code == 200, user.role
