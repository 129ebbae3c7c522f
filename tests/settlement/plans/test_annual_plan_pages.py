"""Annual plan pages: the county submits within its quota (errors on the form), the agency
reviews or returns with a reason, the bureau approves; scoping and roles (N 三(四)4);
and the notifications page with its unread count and mark-as-read."""

import pytest
from django.urls import reverse

from funds.budgets.services import expenditure_quota_set, fund_budget_draft
from funds.ledger.models import FundType
from funds.ledger.services import fund_types_ensure
from settlement.notifications.context_processors import notifications as notifications_context
from settlement.notifications.models import Notification
from settlement.plans.models import AnnualPlan
from settlement.plans.services import annual_plan_submit
from tests.factories.plans import line

pytestmark = pytest.mark.django_db


@pytest.fixture
def quotas(jining, city_clerk, bureau_approver, county_a, county_b):
    fund_types_ensure()
    budget = fund_budget_draft(
        municipality=jining,
        year=2026,
        fund_type=FundType.objects.get(code="310100"),
        lines={"benefits": "3000.00"},
        actor=city_clerk,
    )
    expenditure_quota_set(budget=budget, county=county_a, amount="1000.00", actor=city_clerk)
    expenditure_quota_set(budget=budget, county=county_b, amount="2000.00", actor=city_clerk)
    return budget


def form_data(amount="800.00", year="2026"):
    return {
        "year": year,
        "form-TOTAL_FORMS": "1",
        "form-INITIAL_FORMS": "0",
        "form-0-fund_type": str(FundType.objects.get(code="310100").pk),
        "form-0-amount": amount,
    }


def test_county_submits_an_annual_plan(quotas, client_for, county_a_officer):
    client = client_for(county_a_officer)
    page = client.get(reverse("settlement:annual_plan_create"))
    assert page.status_code == 200 and b'id="quotas"' in page.content
    response = client.post(reverse("settlement:annual_plan_create"), form_data())
    assert response.status_code == 302
    plan = AnnualPlan.objects.get()
    assert plan.county == county_a_officer.county and plan.status == "submitted"


def test_over_quota_is_refused_on_the_form_with_the_excess(quotas, client_for, county_a_officer):
    response = client_for(county_a_officer).post(
        reverse("settlement:annual_plan_create"),
        form_data(amount="1000.01"),
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert "超出 0.01 元" in str(response.context["form"].non_field_errors())
    assert not AnnualPlan.objects.exists()


def test_bad_input_is_a_400_with_errors_by_the_fields(quotas, client_for, county_a_officer):
    data = form_data(amount="abc", year="twenty")
    response = client_for(county_a_officer).post(reverse("settlement:annual_plan_create"), data)
    assert response.status_code == 400
    assert response.context["form"].errors["year"]
    assert response.context["form"].lines[0].errors["amount"]


@pytest.mark.parametrize("role", ["city_clerk", "bureau_approver", "finance_officer", "auditor"])
def test_only_county_officers_submit(quotas, client_for, request, role):
    client = client_for(request.getfixturevalue(role))
    assert client.post(reverse("settlement:annual_plan_create"), form_data()).status_code == 403
    assert not AnnualPlan.objects.exists()


def test_review_return_and_approve_by_role(
    quotas, client_for, county_a, county_a_officer, county_b_officer, city_clerk, bureau_approver
):
    plan = annual_plan_submit(
        county=county_a, year=2026, lines=[line("500.00")], actor=county_a_officer
    )
    detail = reverse("settlement:annual_plan_detail", args=[plan.pk])
    assert client_for(county_b_officer).get(detail).status_code == 404
    review = reverse("settlement:annual_plan_review", args=[plan.pk])
    approve = reverse("settlement:annual_plan_approve", args=[plan.pk])
    give_back = reverse("settlement:annual_plan_return", args=[plan.pk])
    assert client_for(county_a_officer).post(review).status_code == 403
    assert client_for(bureau_approver).post(review).status_code == 403
    assert client_for(city_clerk).post(approve).status_code == 403
    response = client_for(city_clerk).post(give_back, {"reason": ""})
    assert response.status_code == 400 and response.context["form"].errors["reason"]
    plan.refresh_from_db()
    assert plan.status == "submitted"
    assert b'id="review-plan"' in client_for(city_clerk).get(detail).content
    assert client_for(city_clerk).post(review).status_code == 302
    assert b'id="approve-plan"' in client_for(bureau_approver).get(detail).content
    assert client_for(bureau_approver).post(approve).status_code == 302
    plan.refresh_from_db()
    assert plan.status == "approved" and plan.approved_by == bureau_approver


def test_returned_plan_is_resubmitted_through_the_form(
    quotas, client_for, county_a, county_a_officer, city_clerk
):
    plan = annual_plan_submit(
        county=county_a, year=2026, lines=[line("500.00")], actor=county_a_officer
    )
    url = reverse("settlement:annual_plan_return", args=[plan.pk])
    assert client_for(city_clerk).post(url, {"reason": "超出预期"}).status_code == 302
    plan.refresh_from_db()
    assert plan.status == "returned" and plan.return_reason == "超出预期"
    response = client_for(county_a_officer).post(
        reverse("settlement:annual_plan_create"), form_data(amount="600.00")
    )
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.status == "submitted" and str(plan.lines.get().amount) == "600.00"


def notify(user, key):
    return Notification.objects.create(recipient=user, key=key, message=f"Overdue {key}")


def test_notifications_show_the_unread_count_and_are_marked_read(
    jining, client_for, county_a_officer, county_b_officer, rf
):
    first, second = notify(county_a_officer, "one"), notify(county_a_officer, "two")
    other = notify(county_b_officer, "three")
    client = client_for(county_a_officer)
    page = client.get(reverse("settlement:notification_list"))
    assert page.context["unread_count"] == 2
    assert b'id="unread-count"' in page.content
    other_url = reverse("settlement:notification_mark_read", args=[other.pk])
    assert client.post(other_url).status_code == 404
    other.refresh_from_db()
    assert other.read_at is None
    assert (
        client.post(reverse("settlement:notification_mark_read", args=[first.pk])).status_code
        == 302
    )
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.read_at is not None and second.read_at is None
    request = rf.get("/")
    request.user = county_a_officer
    assert notifications_context(request)["unread_notifications"]() == 1
    client.post(reverse("settlement:notifications_mark_read"))
    second.refresh_from_db()
    assert second.read_at is not None
    assert client.get(reverse("settlement:notification_list")).context["unread_count"] == 0


def test_unread_count_is_zero_for_anonymous(rf):
    from django.contrib.auth.models import AnonymousUser

    request = rf.get("/")
    request.user = AnonymousUser()
    assert notifications_context(request) == {"unread_notifications": 0}
