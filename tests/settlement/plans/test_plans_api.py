"""The plan API for county systems: token-authenticated submission, the services' refusals as
400 field errors, county scoping (404), and each role's allowed and refused calls, with
nothing changed on a refusal."""

import datetime
from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from funds.ledger.models import JournalEntry
from settlement.plans import services
from settlement.plans.models import AnnualPlan, CityMonthlyPlan, UsagePlan
from tests.factories.plans import ON_TIME, PLAN_MONTH, fund_fiscal_account, line, prepare_year
from tests.factories.settlement import ledger_fingerprint

pytestmark = pytest.mark.django_db

USAGE = "/api/usage-plans/"
ANNUAL = "/api/annual-plans/"
CITY = "/api/city-plans/"


@pytest.fixture
def city(jining):
    prepare_year(jining)
    fund_fiscal_account(jining, "50000000.00")
    return jining


def usage_payload(amount="1000.00", month="2026-10", **extra):
    return {
        "month": month,
        "note": "",
        "lines": [{"fund": "310100", "purpose": "benefits", "amount": amount}],
        **extra,
    }


def submit(county, officer, amount="5.00"):
    return services.usage_plan_submit(
        county=county, month=PLAN_MONTH, lines=[line(amount)], actor=officer, today=ON_TIME
    )


def token_client(username: str) -> APIClient:
    api = APIClient()
    response = api.post(
        "/api/auth/token/", {"username": username, "password": "demo-pass-2026"}, format="json"
    )
    assert response.status_code == 200
    api.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    return api


def test_county_system_submits_a_usage_plan_with_a_token(city, county_a_officer):
    county_a_officer.set_password("demo-pass-2026")
    county_a_officer.save()
    api = token_client(county_a_officer.username)
    response = api.post(USAGE, usage_payload("1234.56"), format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["county"] == "370811" and body["month"] == "2026-10-01"
    assert body["lines"] == [{"fund": "310100", "purpose": "benefits", "amount": "1234.56"}]
    plan = UsagePlan.objects.get()
    assert plan.lines.get().amount == Decimal("1234.56")
    assert api.get(f"{USAGE}{plan.pk}/").json()["status"] == "submitted"
    assert [row["id"] for row in api.get(USAGE).json()["results"]] == [plan.pk]


def test_over_plan_is_refused_with_a_field_error_naming_the_excess(city, api_for, county_b_officer):
    response = api_for(county_b_officer).post(
        USAGE, usage_payload("6000000.01"), format="json", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 400
    assert "(6000000.00) by 0.01 yuan" in response.json()["lines"][0]
    assert not UsagePlan.objects.exists()


def test_annual_plan_over_quota_is_refused_with_the_excess(jining, api_for, county_a_officer):
    prepare_year(jining)
    response = api_for(county_a_officer).post(
        ANNUAL,
        {"year": 2026, "lines": [{"fund": "310100", "amount": "1.00"}]},
        format="json",
    )
    # 任城区's 2026 plan is already approved; a second submission is an illegal transition.
    assert response.status_code == 400
    response = api_for(county_a_officer).post(
        ANNUAL,
        {"year": 2027, "lines": [{"fund": "310100", "amount": "0.50"}]},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert "by 0.50 yuan" in response.json()["lines"][0]
    assert not AnnualPlan.objects.filter(year=2027).exists()


@pytest.mark.parametrize(
    "payload",
    [
        {},
        {"month": "October", "lines": [{"fund": "310100", "purpose": "benefits", "amount": "1"}]},
        {"month": "2026-10", "lines": []},
        {"month": "2026-10", "lines": [{"fund": "999999", "purpose": "benefits", "amount": "1"}]},
        {"month": "2026-10", "lines": [{"fund": "310100", "purpose": "benefits", "amount": "x"}]},
        {"month": "2026-10", "lines": [{"fund": "310100", "purpose": "benefits", "amount": "-1"}]},
        {"month": "2027-02", "lines": [{"fund": "310100", "purpose": "benefits", "amount": "1"}]},
    ],
)
def test_bad_input_is_a_400_never_a_500(city, api_for, county_a_officer, payload):
    response = api_for(county_a_officer).post(USAGE, payload, format="json")
    assert response.status_code == 400
    assert not UsagePlan.objects.exists()


def test_county_officer_gets_404_for_another_countys_plan(
    city, api_for, county_a, county_a_officer, county_b_officer
):
    plan = submit(county_a, county_a_officer)
    assert api_for(county_b_officer).get(f"{USAGE}{plan.pk}/").status_code == 404
    assert api_for(county_b_officer).get(USAGE).json()["results"] == []
    annual = AnnualPlan.objects.get(county=county_a)
    assert api_for(county_b_officer).get(f"{ANNUAL}{annual.pk}/").status_code == 404
    assert api_for(county_a_officer).get(f"{ANNUAL}{annual.pk}/").status_code == 200


@pytest.mark.parametrize(
    "role", ["city_clerk", "bureau_approver", "finance_officer", "auditor", "administrator"]
)
def test_only_county_officers_submit_through_the_api(city, api_for, request, role):
    response = api_for(request.getfixturevalue(role)).post(USAGE, usage_payload(), format="json")
    assert response.status_code == 403
    assert not UsagePlan.objects.exists()


def test_anonymous_is_refused(city, api_for):
    assert api_for(None).get(USAGE).status_code in (401, 403)
    assert api_for(None).post(USAGE, usage_payload(), format="json").status_code in (401, 403)


def test_return_is_for_the_agency_only_and_needs_a_reason(
    city, api_for, county_a, county_a_officer, city_clerk, auditor, bureau_approver
):
    plan = submit(county_a, county_a_officer)
    url = f"{USAGE}{plan.pk}/return/"
    for user in (county_a_officer, auditor, bureau_approver):
        assert api_for(user).post(url, {"reason": "x"}, format="json").status_code == 403
    assert api_for(city_clerk).post(url, {"reason": ""}, format="json").status_code == 400
    plan.refresh_from_db()
    assert plan.status == "submitted"
    response = api_for(city_clerk).post(url, {"reason": "金额有误"}, format="json")
    assert response.status_code == 200
    assert (
        response.json()["status"] == "returned" and response.json()["return_reason"] == "金额有误"
    )


def test_city_plans_are_closed_to_county_officers(city, api_for, county_a_officer, auditor):
    assert api_for(county_a_officer).get(CITY).status_code == 403
    assert api_for(auditor).get(CITY).status_code == 200


def test_each_city_step_only_by_its_role_and_nothing_changes_on_denial(
    city,
    api_for,
    county_a,
    county_a_officer,
    county_b,
    county_b_officer,
    city_clerk,
    bureau_approver,
    finance_officer,
    auditor,
    administrator,
):
    submit(county_a, county_a_officer, "1000.10")
    submit(county_b, county_b_officer, "2000.20")
    consolidate = {"month": "2026-10"}
    for user in (county_a_officer, bureau_approver, finance_officer, auditor, administrator):
        assert api_for(user).post(f"{CITY}consolidate/", consolidate).status_code == 403
    assert not CityMonthlyPlan.objects.exists()
    response = api_for(city_clerk).post(f"{CITY}consolidate/", consolidate, format="json")
    assert response.status_code == 201
    pk = response.json()["id"]
    missing = response.json()["missing_counties"]
    assert missing and "370811" not in missing and "370812" not in missing
    steps = [
        ("approve", bureau_approver, "approved"),
        ("request-funding", bureau_approver, "requested"),
        ("confirm-disbursement", finance_officer, "disbursed"),
        ("allocate", city_clerk, "allocated"),
    ]
    everyone = {city_clerk, bureau_approver, finance_officer, auditor, administrator}
    for path, allowed, new_status in steps:
        url = f"{CITY}{pk}/{path}/"
        before = ledger_fingerprint(city)
        status_before = CityMonthlyPlan.objects.get().status
        for user in everyone - {allowed}:
            assert api_for(user).post(url).status_code == 403, (path, user.username)
        assert ledger_fingerprint(city) == before
        assert CityMonthlyPlan.objects.get().status == status_before
        response = api_for(allowed).post(url)
        assert response.status_code == 200, (path, response.content)
        assert response.json()["status"] == new_status
    entries = JournalEntry.objects.filter(kind=JournalEntry.Kind.ALLOCATION)
    assert sorted(entry.postings.get(amount__gt=0).amount for entry in entries) == [
        Decimal("1000.10"),
        Decimal("2000.20"),
    ]
    fingerprint = ledger_fingerprint(city)
    assert api_for(city_clerk).post(f"{CITY}{pk}/allocate/").status_code == 200
    assert api_for(finance_officer).post(f"{CITY}{pk}/confirm-disbursement/").status_code == 200
    assert ledger_fingerprint(city) == fingerprint


def test_an_illegal_transition_is_a_400(city, api_for, county_a, county_a_officer, city_clerk):
    submit(county_a, county_a_officer)
    city_plan = services.city_plan_consolidate(
        municipality=city, month=PLAN_MONTH, actor=city_clerk, today=datetime.date(2026, 9, 29)
    )
    response = api_for(city_clerk).post(f"{CITY}{city_plan.pk}/allocate/")
    assert response.status_code == 400
    assert list(response.json()) == ["status"]  # the workflow's refusal names the status
    city_plan.refresh_from_db()
    assert city_plan.status == "consolidated"


def test_consolidating_an_empty_month_names_the_month(city, api_for, city_clerk):
    response = api_for(city_clerk).post(f"{CITY}consolidate/", {"month": "2026-11"})
    assert response.status_code == 400
    assert response.json()["month"]


def test_annual_plan_review_and_approval_through_the_api(
    city, api_for, county_a, city_clerk, bureau_approver, auditor
):
    plan = AnnualPlan.objects.get(county=county_a)
    AnnualPlan.objects.filter(pk=plan.pk).update(status="submitted", reviewed_by=None)
    assert api_for(auditor).post(f"{ANNUAL}{plan.pk}/review/").status_code == 403
    assert api_for(bureau_approver).post(f"{ANNUAL}{plan.pk}/review/").status_code == 403
    assert api_for(city_clerk).post(f"{ANNUAL}{plan.pk}/review/").json()["status"] == "reviewed"
    assert api_for(city_clerk).post(f"{ANNUAL}{plan.pk}/approve/").status_code == 403
    response = api_for(bureau_approver).post(f"{ANNUAL}{plan.pk}/approve/")
    assert response.status_code == 200 and response.json()["status"] == "approved"
