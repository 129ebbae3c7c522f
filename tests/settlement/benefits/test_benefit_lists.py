"""Exports of the benefit and institution lists, and the plan-use page and API (benefit
payments counted against the month's usage plan)."""

import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from funds.ledger.models import FundType
from settlement.benefits import services
from settlement.plans.models import CityMonthlyPlan, PlanPurpose, UsagePlan, UsagePlanLine
from tests.factories import csv_rows
from tests.factories.benefits import PAY_DAY, D, statement_approved, statement_enter

pytestmark = pytest.mark.django_db


MARCH = D(2026, 3, 1)


def test_statement_export_streams_the_filtered_scoped_list_with_labels(
    english_client_for, hospital_a, hospital_b, county_a_officer, county_b_officer, auditor
):
    statement_enter(hospital_a, county_a_officer, "800.00")
    statement_approved(hospital_b, county_b_officer, "512.34")
    url = reverse("settlement:benefit_list")

    rows = csv_rows(english_client_for(auditor).get(url, {"export": "csv"}))
    assert rows[0][:3] == ["Month", "County", "Institution code"]
    assert sorted(row[2] for row in rows[1:]) == ["H37081100001", "H37081200001"]

    approved_only = csv_rows(
        english_client_for(auditor).get(url, {"status": "approved", "export": "csv"})
    )
    assert [(row[2], row[7], row[9]) for row in approved_only[1:]] == [
        ("H37081200001", "512.34", "approved")
    ]

    own = csv_rows(english_client_for(county_a_officer).get(url, {"export": "csv"}))
    assert [row[2] for row in own[1:]] == ["H37081100001"]


def test_statement_export_as_xlsx_opens_with_the_same_rows(
    english_client_for, hospital_a, county_a_officer, auditor
):
    statement_enter(hospital_a, county_a_officer, "800.00")
    response = english_client_for(auditor).get(
        reverse("settlement:benefit_list"), {"export": "xlsx"}
    )
    assert response["Content-Disposition"].endswith('benefit-statements.xlsx"')
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    header, row = list(sheet.iter_rows(values_only=True))
    assert header[6] == "Amount claimed"
    assert (row[2], row[6]) == ("H37081100001", 800)  # a number, so Excel can sum it


def test_institution_export_shows_choice_labels_and_respects_the_county(
    english_client_for, hospital_a, hospital_b, county_b_officer
):
    rows = csv_rows(
        english_client_for(county_b_officer).get(
            reverse("settlement:institution_list"), {"export": "csv"}
        )
    )
    assert len(rows) == 2
    code, name, kind, level, county, *_rest, status = rows[1]
    assert (code, name, county) == ("H37081200001", "兖州区人民医院", "兖州区")
    assert kind == "designated hospital" and status == "active"


def test_list_pages_offer_both_exports(english_client_for, hospital_a, auditor):
    page = english_client_for(auditor).get(reverse("settlement:benefit_list")).content.decode()
    assert "export=csv" in page and "export=xlsx" in page


# Plan use --------------------------------------------------------------------------------------


@pytest.fixture
def march_plan(ledger, county_a):
    city_plan = CityMonthlyPlan.objects.create(
        municipality=ledger, month=MARCH, status=CityMonthlyPlan.Status.ALLOCATED
    )
    plan = UsagePlan.objects.create(
        municipality=ledger,
        county=county_a,
        month=MARCH,
        status=UsagePlan.Status.CONSOLIDATED,
        deadline=D(2026, 2, 25),
        city_plan=city_plan,
    )
    UsagePlanLine.objects.create(
        plan=plan,
        fund_type=FundType.objects.get(code="310100"),
        purpose=PlanPurpose.BENEFITS,
        amount=Decimal("600.00"),
    )
    return plan


def test_plan_use_page_marks_payments_beyond_the_plan(
    english_client_for, march_plan, hospital_a, funded_a, county_a_officer, auditor
):
    statement = statement_approved(hospital_a, county_a_officer, "650.25")
    services.benefit_statement_pay(statement=statement, actor=county_a_officer, paid_on=PAY_DAY)

    response = english_client_for(auditor).get(
        reverse("settlement:benefit_plan_use"), {"year": 2026}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "600.00" in page and "650.25" in page and "-50.25" in page
    assert 'class="bad over-plan"' in page

    rows = csv_rows(
        english_client_for(auditor).get(
            reverse("settlement:benefit_plan_use"), {"year": 2026, "export": "csv"}
        )
    )
    assert rows[1] == ["2026-03", "370811", "任城区", "310100", "600.00", "650.25", "-50.25", "yes"]


def test_plan_use_is_scoped_and_bad_filters_are_field_errors(
    english_client_for, march_plan, county_a, county_b_officer
):
    client = english_client_for(county_b_officer)
    page = client.get(reverse("settlement:benefit_plan_use"), {"year": 2026}).content.decode()
    assert 'data-county="370811"' not in page

    bad = client.get(reverse("settlement:benefit_plan_use"), {"year": "20x6"})
    assert bad.status_code == 200 and "errorlist" in bad.content.decode()

    other = client.get(
        reverse("settlement:benefit_plan_use"), {"year": 2026, "county": county_a.pk}
    )
    assert other.status_code == 200 and "errorlist" in other.content.decode()


def test_plan_use_api_answers_rows_and_400_for_bad_input(
    english_client_for, march_plan, county_a, county_b_officer, bureau_approver
):
    url = reverse("benefit-plan-use")
    rows = english_client_for(bureau_approver).get(url, {"year": 2026}).json()
    assert [(row["county_code"], row["planned"], row["paid"]) for row in rows] == [
        ("370811", "600.00", "0.00")
    ]
    response = english_client_for(county_b_officer).get(url, {"year": 2026, "county": county_a.pk})
    assert response.status_code == 400 and "county" in response.json()
    assert english_client_for(bureau_approver).get(url, {"year": "x"}).status_code == 400
