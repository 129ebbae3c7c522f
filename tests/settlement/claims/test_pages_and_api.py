"""The standards and claims through the browser and the API: the bureau adds a version, the
preset marks demo defaults, an institution's system posts a claim with the national names,
the agency settles the month, a claim's page shows its working, scope and read-only roles."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from settlement.benefits.claims.models import Claim
from settlement.benefits.standards.models import BenefitStandard
from settlement.benefits.standards.services import benefit_standards_preset
from tests.factories.claims import D, account_balance_set, claim_enter

pytestmark = pytest.mark.django_db


def claim_payload(employee, tertiary, **overrides) -> dict:
    payload = {
        "setl_id": "API-1",
        "certno": employee.id_number,
        "fixmedins_code": tertiary.code,
        "med_type": "inpatient",
        "begndate": "2024-08-05",
        "setl_time": "2024-08-05T10:00:00+08:00",
        "acct_used_flag": True,
        "medfee_sumamt": "30000.00",
        "fulamt_ownpay_amt": "2000.00",
        "overlmt_selfpay": "0.00",
        "preselfpay_amt": "1000.00",
        "inscp_scp_amt": "27000.00",
    }
    payload.update(overrides)
    return payload


def test_the_bureau_adds_a_standard_version_and_a_county_officer_may_not(
    ledger, client_for, bureau_approver, county_a_officer
):
    url = reverse("settlement:benefit_standard_add")
    data = {
        "scheme": "employee",
        "person_category": "retired",
        "institution_level": "secondary",
        "medical_type": "inpatient",
        "referral": "in_city",
        "deductible": "600.00",
        "deductible_repeat": "300.00",
        "payment_ratio": "0.93",
        "annual_ceiling": "300000.00",
        "segment_fund": "critical_illness",
        "segment_ratio": "0.6",
        "segment_ceiling": "400000.00",
        "effective_from": "2025-01-01",
    }
    assert client_for(county_a_officer).post(url, data).status_code == 403
    assert client_for(bureau_approver).post(url, data).status_code == 302
    standard = BenefitStandard.objects.get()
    assert (standard.deductible_repeat, standard.demo_default) == (Decimal("300.00"), False)
    assert str(standard.payment_ratio) == "0.9300"
    # A second version from a later date closes the first on the day before.
    response = client_for(bureau_approver).post(url, {**data, "effective_from": "2026-01-01"})
    assert response.status_code == 302
    standard.refresh_from_db()
    assert standard.effective_to == datetime.date(2025, 12, 31)
    # A ratio above 1 is refused next to its field.
    bad = client_for(bureau_approver).post(url, {**data, "payment_ratio": "1.5"})
    assert bad.status_code == 400


def test_the_preset_writes_every_combination_once_marked_as_demo_defaults(
    ledger, english_client_for, city_clerk
):
    added = benefit_standards_preset(
        municipality=ledger, effective_from=D(2024, 1, 1), actor=city_clerk
    )
    assert added == 2 * 3 * 4 * 3
    assert (
        benefit_standards_preset(
            municipality=ledger, effective_from=D(2024, 1, 1), actor=city_clerk
        )
        == 0
    )
    tertiary_retired = BenefitStandard.objects.get(
        person_category="retired",
        institution_level="tertiary",
        medical_type="inpatient",
        referral="in_city",
    )
    assert str(tertiary_retired.payment_ratio) == "0.9000"
    assert tertiary_retired.demo_default
    page = english_client_for(city_clerk).get(reverse("settlement:benefit_standard_list"))
    assert "demo default" in page.content.decode()


def test_an_institutions_system_posts_a_claim_and_the_agency_settles_the_month(
    ledger, insured, tertiary, inpatient_standard, api_for, county_a_officer, city_clerk, auditor
):
    employee, _retiree = insured
    account_balance_set(employee, "500.00")
    assert (
        api_for(auditor).post("/api/claims/", claim_payload(employee, tertiary)).status_code == 403
    )
    response = api_for(county_a_officer).post(
        "/api/claims/", claim_payload(employee, tertiary), format="json"
    )
    assert response.status_code == 201, response.json()
    assert response.json()["hifp_pay"] is None
    assert (
        api_for(county_a_officer).post("/api/claims/settle/", {"month": "2024-08-01"}).status_code
        == 403
    )
    settled = api_for(city_clerk).post("/api/claims/settle/", {"month": "2024-08-01"})
    assert settled.json() == {"settled": 1, "unpriced": 0}
    claim = api_for(auditor).get(f"/api/claims/{response.json()['id']}/").json()
    assert (claim["act_pay_dedc"], claim["hifp_pay"], claim["psn_part_amt"]) == (
        "1000.00",
        "22100.00",
        "7900.00",
    )
    assert (claim["acct_pay"], claim["psn_cash_pay"]) == ("500.00", "7400.00")


def test_a_refused_claim_is_a_400_with_the_reason_on_its_field(
    ledger, insured, tertiary, inpatient_standard, api_for, county_a_officer
):
    employee, _retiree = insured
    response = api_for(county_a_officer).post(
        "/api/claims/",
        claim_payload(employee, tertiary, inscp_scp_amt="26999.99"),
        format="json",
    )
    assert response.status_code == 400
    assert "inscp_scp_amt" in response.json()
    assert not Claim.objects.exists()


def test_another_countys_claim_is_hidden_from_a_county_officer(
    ledger,
    insured,
    tertiary,
    inpatient_standard,
    api_for,
    client_for,
    county_a_officer,
    county_b_officer,
):
    employee, _retiree = insured
    claim = claim_enter(employee, tertiary, "S1", county_a_officer)
    assert api_for(county_b_officer).get(f"/api/claims/{claim.pk}/").status_code == 404
    listed = api_for(county_b_officer).get("/api/claims/").json()
    assert (listed["results"] if isinstance(listed, dict) else listed) == []
    page = client_for(county_b_officer).get(reverse("settlement:claim_detail", args=[claim.pk]))
    assert page.status_code == 404


def test_a_claims_page_shows_the_working_with_the_standard_version_and_takes_a_refund(
    ledger,
    insured,
    tertiary,
    inpatient_standard,
    english_client_for,
    county_a_officer,
    city_clerk,
):
    employee, _retiree = insured
    claim = claim_enter(employee, tertiary, "S1", county_a_officer)
    clerk = english_client_for(city_clerk)
    settle = clerk.post(reverse("settlement:claim_settle"), {"month": "2024-08"})
    assert settle.status_code == 302
    page = clerk.get(reverse("settlement:claim_detail", args=[claim.pk])).content.decode()
    assert "version in force 2024-01-01 – …" in page
    assert "(27,000.00 − 1,000.00) × 85.00%, under the annual ceiling 300,000.00" in page
    assert "22,100.00" in page and "7,900.00" in page
    refund = english_client_for(county_a_officer).post(
        reverse("settlement:claim_refund", args=[claim.pk]),
        {"setl_id": "S1-R", "setl_time": "2024-08-06 09:00"},
    )
    assert refund.status_code == 302
    assert Claim.objects.get(setl_id="S1-R").reverses == claim
    listing = clerk.get(reverse("settlement:claim_list"), {"month": "2024-08"}).content.decode()
    assert "S1-R" in listing


def test_the_import_page_reports_refused_rows_and_imports_nothing(
    ledger, insured, tertiary, inpatient_standard, english_client_for, county_a_officer
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    employee, _retiree = insured
    content = (
        "setl_id,certno,fixmedins_code,med_type,begndate,setl_time,medfee_sumamt,"
        "fulamt_ownpay_amt,overlmt_selfpay,preselfpay_amt,inscp_scp_amt\n"
        f"F1,{employee.id_number},{tertiary.code},inpatient,2024-08-05,2024-08-05 10:00:00,"
        "100.00,0.00,0.00,0.00,90.00\n"
    ).encode()
    response = english_client_for(county_a_officer).post(
        reverse("settlement:claim_import"),
        {"file": SimpleUploadedFile("claims.csv", content)},
    )
    assert response.status_code == 400
    assert "is not the total less the three self-paid parts" in response.content.decode()
    assert not Claim.objects.exists()
