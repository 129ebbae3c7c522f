"""Pages of the usage-plan cycle: the county form with field errors, scoping, the
consolidation page and the dashboard, and the step buttons per role."""

import datetime

import pytest
from django.urls import reverse

from settlement.plans import services
from settlement.plans.models import CityMonthlyPlan, UsagePlan
from tests.factories.plans import ON_TIME, PLAN_MONTH, fund, fund_fiscal_account, line, prepare_year

pytestmark = pytest.mark.django_db


@pytest.fixture
def city(jining):
    prepare_year(jining)
    fund_fiscal_account(jining, "50000000.00")
    return jining


def form_data(month="2026-10", amount="1000.00"):
    return {
        "month": month,
        "note": "",
        "form-TOTAL_FORMS": "1",
        "form-INITIAL_FORMS": "0",
        "form-0-fund_type": str(fund().pk),
        "form-0-purpose": "benefits",
        "form-0-amount": amount,
    }


def test_county_officer_submits_through_the_form(city, client_for, county_a_officer):
    client = client_for(county_a_officer)
    page = client.get(reverse("settlement:usage_plan_create"))
    assert page.status_code == 200 and b"remaining-data" in page.content
    response = client.post(reverse("settlement:usage_plan_create"), form_data())
    assert response.status_code == 302
    assert UsagePlan.objects.get().county == county_a_officer.county


def test_form_shows_errors_next_to_the_month_for_an_unknown_year(
    city, client_for, county_a_officer
):
    response = client_for(county_a_officer).post(
        reverse("settlement:usage_plan_create"),
        form_data(month="2027-02"),
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert response.status_code == 400
    assert "2027" in str(response.context["form"].errors["month"])
    assert not UsagePlan.objects.exists()


def test_form_refuses_over_plan_with_the_excess(city, client_for, county_b_officer):
    response = client_for(county_b_officer).post(
        reverse("settlement:usage_plan_create"), form_data(amount="6000000.01")
    )
    assert response.status_code == 400
    assert "0.01" in str(response.context["form"].non_field_errors())


def test_county_officer_gets_404_for_another_countys_plan(
    city, client_for, county_a, county_a_officer, county_b_officer
):
    plan = services.usage_plan_submit(
        county=county_a,
        month=PLAN_MONTH,
        lines=[line("5.00")],
        actor=county_a_officer,
        today=ON_TIME,
    )
    url = reverse("settlement:usage_plan_detail", args=[plan.pk])
    assert client_for(county_b_officer).get(url).status_code == 404
    assert client_for(county_a_officer).get(url).status_code == 200


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("city_clerk", 200),
        ("bureau_approver", 200),
        ("finance_officer", 200),
        ("auditor", 200),
        ("county_a_officer", 403),
    ],
)
def test_dashboard_is_for_city_roles(city, client_for, request, role, status):
    response = client_for(request.getfixturevalue(role)).get(
        reverse("settlement:plan_dashboard") + "?month=2026-10"
    )
    assert response.status_code == status


def test_consolidation_page_marks_missing_and_late_and_consolidates(
    city, client_for, county_a, county_a_officer, city_clerk, auditor
):
    services.usage_plan_submit(
        county=county_a,
        month=PLAN_MONTH,
        lines=[line("5.00")],
        actor=county_a_officer,
        today=datetime.date(2026, 9, 29),
    )
    url = reverse("settlement:plan_consolidation") + "?month=2026-10"
    page = client_for(city_clerk).get(url).content.decode()
    assert 'data-county="370812" class="bad overdue"' in page
    assert 'data-county="370811" class="bad overdue"' in page  # late
    assert client_for(auditor).post(url, {"month": "2026-10"}).status_code == 403
    assert not CityMonthlyPlan.objects.exists()
    response = client_for(city_clerk).post(url, {"month": "2026-10"})
    assert response.status_code == 302
    assert CityMonthlyPlan.objects.get().status == "consolidated"


def test_step_buttons_refuse_the_wrong_role_and_change_nothing(
    city, client_for, county_a, county_a_officer, city_clerk, bureau_approver, finance_officer
):
    services.usage_plan_submit(
        county=county_a,
        month=PLAN_MONTH,
        lines=[line("5.00")],
        actor=county_a_officer,
        today=ON_TIME,
    )
    city_plan = services.city_plan_consolidate(
        municipality=city, month=PLAN_MONTH, actor=city_clerk
    )
    approve = reverse("settlement:city_plan_approve", args=[city_plan.pk])
    assert client_for(finance_officer).post(approve).status_code == 403
    assert client_for(city_clerk).post(approve).status_code == 403
    city_plan.refresh_from_db()
    assert city_plan.status == "consolidated"
    detail = client_for(bureau_approver).get(
        reverse("settlement:city_plan_detail", args=[city_plan.pk])
    )
    assert b"action-city_plan_approve" in detail.content
    assert client_for(bureau_approver).post(approve).status_code == 302
    city_plan.refresh_from_db()
    assert city_plan.status == "approved"
    disburse = reverse("settlement:city_plan_disburse", args=[city_plan.pk])
    refused = client_for(finance_officer).post(disburse)  # not yet requested
    assert refused.status_code == 400 and refused.context["form"].non_field_errors()
    city_plan.refresh_from_db()
    assert city_plan.status == "approved"


def test_return_with_reason(city, client_for, county_a, county_a_officer, city_clerk):
    plan = services.usage_plan_submit(
        county=county_a,
        month=PLAN_MONTH,
        lines=[line("5.00")],
        actor=county_a_officer,
        today=ON_TIME,
    )
    url = reverse("settlement:usage_plan_return", args=[plan.pk])
    assert client_for(county_a_officer).post(url, {"reason": "x"}).status_code == 403
    client_for(city_clerk).post(url, {"reason": "金额有误"})
    plan.refresh_from_db()
    assert plan.status == "returned" and plan.return_reason == "金额有误"
