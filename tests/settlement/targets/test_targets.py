"""County targets and their year-end assessment (Z 四(八), J 二(五)3), and the year-end pages
and API of targets and the adjustment fund: scoping, read-only auditors, field errors."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from pooling.accounts.models import AuditEvent, User
from settlement.targets.models import CountyTarget
from settlement.targets.selectors import completion_of, target_assessments
from settlement.targets.services import county_target_set
from settlement.yearend.models import AdjustmentContribution, AdjustmentYear
from tests.factories.yearend import (
    GONGYI,
    JINSHUI,
    YEAR,
    ZHONGMU,
    close_december,
    enrol,
    set_targets,
    tier_year,
)


@pytest.fixture(autouse=True)
def _english_messages():
    """Service messages are asserted in English (their msgids); pages still negotiate the
    language per request."""
    with translation.override("en"):
        yield


def persona(name: str) -> User:
    return User.objects.get(username=f"zhengzhou_{name}")


@pytest.fixture
def city(zhengzhou_city):
    return zhengzhou_city


@pytest.fixture
def year_with_targets(city):
    """中牟县: 3 insured, 1,000 collected, 1,800 spent (1,000 opening); targets 4 people,
    2,000 collected, 1,000 revenue, 1,500 expenditure."""
    tier_year(city, ZHONGMU, opening="1000.00", collected="1000.00", spent="1800.00")
    tier_year(city, GONGYI, collected="3000.00", spent="1000.00")
    enrol(city, ZHONGMU, 3)
    set_targets(
        city,
        ZHONGMU,
        persona("bureau"),
        enrollment=4,
        collection="2000.00",
        revenue="1000.00",
        expenditure="1500.00",
    )
    close_december(city)  # the year end runs only after December is closed
    return city


def test_assessment_gives_actual_against_target_with_exact_rates(year_with_targets):
    rows = {
        row.county.code: row
        for row in target_assessments(municipality=year_with_targets, year=YEAR)
    }

    row = rows[ZHONGMU]
    assert (row.enrolled, row.collected, row.revenue, row.spending) == (
        3,
        Decimal("1000.00"),
        Decimal("1000.00"),
        Decimal("1800.00"),
    )
    assert row.enrollment_rate == Decimal("0.7500")
    assert row.collection_rate == Decimal("0.5000")
    assert row.revenue_rate == Decimal("1.0000")
    assert row.expenditure_rate == Decimal("1.2000")
    # (0.75 + 0.5 + 1 + 1500/1800) ÷ 4 = 0.77083… → 0.7708 (half-up to four places).
    assert row.completion == Decimal("0.7708")
    # Every member unit is listed; one without targets has no rates.
    assert rows[GONGYI].target is None and rows[GONGYI].completion is None
    assert rows[GONGYI].collected == Decimal("3000.00")
    assert len(rows) == 16


def test_completion_rounds_half_up_and_caps_each_rate():
    weights = {
        name: Decimal("0.25") for name in ("enrollment", "collection", "revenue", "expenditure")
    }
    assert completion_of(
        weights=weights,
        enrollment_rate=Decimal("2"),
        collection_rate=Decimal("1"),
        revenue_rate=Decimal("1"),
        expenditure_rate=Decimal("0.5"),
    ) == Decimal("1.0000")
    # 0.00015 × … : (0.0001 + 0.0002 + 0 + 1) ÷ 4 = 0.250075 → 0.2501
    assert completion_of(
        weights=weights,
        enrollment_rate=Decimal("0.0001"),
        collection_rate=Decimal("0.0002"),
        revenue_rate=Decimal("0"),
        expenditure_rate=Decimal("1"),
    ) == Decimal("0.2501")
    assert (
        completion_of(
            weights=weights,
            enrollment_rate=None,
            collection_rate=None,
            revenue_rate=None,
            expenditure_rate=None,
        )
        is None
    )


def test_setting_targets_again_changes_them_and_is_audited(city):
    target = set_targets(
        city,
        ZHONGMU,
        persona("clerk"),
        enrollment=5,
        collection="10.005",
        revenue="1",
        expenditure="2",
    )
    assert target.collection_target == Decimal("10.01")
    set_targets(
        city,
        ZHONGMU,
        persona("bureau"),
        enrollment=6,
        collection="10",
        revenue="1",
        expenditure="2",
    )
    target = CountyTarget.objects.get()
    assert target.enrollment_target == 6 and target.set_by == persona("bureau")
    events = AuditEvent.objects.filter(action="settlement.county_target_set")
    assert events.count() == 2
    assert events.first().before["enrollment_target"] == 5


def test_service_refuses_bad_targets_with_field_errors(city):
    with pytest.raises(ValidationError) as error:
        county_target_set(
            county=city.counties.get(code=ZHONGMU),
            year=YEAR,
            enrollment_target=0,
            collection_target=Decimal("0"),
            revenue_plan=Decimal("-1"),
            expenditure_plan=Decimal("1"),
            actor=persona("clerk"),
        )
    assert set(error.value.message_dict) == {
        "enrollment_target",
        "collection_target",
        "revenue_plan",
    }
    with pytest.raises(ValidationError, match="may not"):
        county_target_set(
            county=city.counties.get(code=ZHONGMU),
            year=YEAR,
            enrollment_target=1,
            collection_target=Decimal("1"),
            revenue_plan=Decimal("1"),
            expenditure_plan=Decimal("1"),
            actor=persona("county_b"),
        )
    assert not CountyTarget.objects.exists()


# --- pages -----------------------------------------------------------------------------------


def test_report_page_shows_rates_and_county_officer_sees_only_their_county(
    year_with_targets, client_for
):
    page = client_for(persona("clerk")).get(reverse("settlement:target_report"), {"year": YEAR})
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-county="410122"' in html and "75.00 %" in html and "77.08 %" in html
    assert 'data-county="410181"' in html

    own = client_for(persona("county_b")).get(reverse("settlement:target_report"), {"year": YEAR})
    html = own.content.decode()
    assert 'data-county="410122"' in html and 'data-county="410181"' not in html
    assert 'id="set-targets"' not in html


def test_report_page_with_a_bad_year_is_a_form_error_not_a_crash(city, client_for):
    page = client_for(persona("auditor")).get(reverse("settlement:target_report"), {"year": "abc"})
    assert page.status_code == 400
    assert 'id="field-year"' in page.content.decode() and "errorlist" in page.content.decode()


def test_report_exports_csv_and_xlsx(year_with_targets, client_for):
    client = client_for(persona("auditor"))
    csv_response = client.get(reverse("settlement:target_report"), {"year": YEAR, "export": "csv"})
    text = b"".join(csv_response.streaming_content).decode("utf-8-sig")
    line = next(row for row in text.splitlines() if row.startswith("410122"))
    assert line.split(",")[3:6] == ["4", "3", "0.7500"] and line.endswith(",0.7708")

    xlsx = client.get(reverse("settlement:target_report"), {"year": YEAR, "export": "xlsx"})
    sheet = load_workbook(io.BytesIO(b"".join(xlsx.streaming_content))).active
    rows = [row for row in sheet.iter_rows(values_only=True) if row[0] == "410122"]
    assert Decimal(str(rows[0][6])) == Decimal("2000.00")


def test_target_form_saves_and_shows_field_errors(city, client_for):
    client = client_for(persona("clerk"))
    county = city.counties.get(code=ZHONGMU)
    bad = client.post(
        reverse("settlement:target_set"),
        {
            "county": county.pk,
            "year": YEAR,
            "enrollment_target": "0",
            "collection_target": "x",
            "revenue_plan": "1",
            "expenditure_plan": "1",
        },
    )
    assert bad.status_code == 400
    html = bad.content.decode()
    assert "id_enrollment_target-errors" in html and "id_collection_target-errors" in html
    assert not CountyTarget.objects.exists()

    good = client.post(
        reverse("settlement:target_set"),
        {
            "county": county.pk,
            "year": YEAR,
            "enrollment_target": "100",
            "collection_target": "5000.50",
            "revenue_plan": "6000",
            "expenditure_plan": "5500",
        },
    )
    assert good.status_code == 302
    target = CountyTarget.objects.get()
    assert (target.enrollment_target, target.collection_target) == (100, Decimal("5000.50"))
    prefilled = client.get(reverse("settlement:target_set"), {"county": county.pk, "year": YEAR})
    assert 'value="5000.50"' in prefilled.content.decode()


def test_only_city_staff_set_targets(city, client_for):
    county = city.counties.get(code=ZHONGMU)
    data = {
        "county": county.pk,
        "year": YEAR,
        "enrollment_target": "1",
        "collection_target": "1",
        "revenue_plan": "1",
        "expenditure_plan": "1",
    }
    for name in ("auditor", "county_b", "finance"):
        client = client_for(persona(name))
        assert client.get(reverse("settlement:target_set")).status_code == 403
        assert client.post(reverse("settlement:target_set"), data).status_code == 403
    assert not CountyTarget.objects.exists()


# --- API -------------------------------------------------------------------------------------


def test_api_sets_targets_and_answers_400_with_field_errors(city, api_for):
    api = api_for(persona("bureau"))
    county = city.counties.get(code=ZHONGMU)
    bad = api.post(
        "/api/targets/", {"county": county.pk, "year": 1990, "enrollment_target": -1}, format="json"
    )
    assert bad.status_code == 400
    assert {"year", "enrollment_target", "collection_target"} <= set(bad.json())
    good = api.post(
        "/api/targets/",
        {
            "county": county.pk,
            "year": YEAR,
            "enrollment_target": 10,
            "collection_target": "100.00",
            "revenue_plan": "200.00",
            "expenditure_plan": "150.00",
        },
        format="json",
    )
    assert good.status_code == 201
    assert good.json()["collection_target"] == "100.00"


def test_api_scopes_targets_and_refuses_writes_to_readers(year_with_targets, api_for):
    target = CountyTarget.objects.get()
    other = api_for(persona("county_a"))  # 金水区
    assert other.get(f"/api/targets/{target.pk}/").status_code == 404
    assert other.get("/api/targets/").json()["results"] == []
    own = api_for(persona("county_b"))  # 中牟县
    assert own.get(f"/api/targets/{target.pk}/").status_code == 200
    data = {
        "county": target.county_id,
        "year": YEAR,
        "enrollment_target": 1,
        "collection_target": "1",
        "revenue_plan": "1",
        "expenditure_plan": "1",
    }
    for name in ("auditor", "county_b"):
        assert api_for(persona(name)).post("/api/targets/", data, format="json").status_code == 403
    assert CountyTarget.objects.get().enrollment_target == 4


def test_api_assessments(year_with_targets, api_for):
    rows = api_for(persona("auditor")).get("/api/target-assessments/", {"year": YEAR}).json()
    row = next(row for row in rows if row["county_code"] == ZHONGMU)
    assert row["completion"] == "0.7708" and row["collected"] == "1000.00"
    assert (
        api_for(persona("auditor")).get("/api/target-assessments/", {"year": "x"}).status_code
        == 400
    )
    own = api_for(persona("county_b")).get("/api/target-assessments/", {"year": YEAR}).json()
    assert [row["county_code"] for row in own] == [ZHONGMU]


# --- adjustment-fund pages and API ---------------------------------------------------------------


def test_adjustment_page_runs_both_steps_and_shows_the_formula_with_numbers(
    year_with_targets, client_for
):
    client = client_for(persona("clerk"))
    url = reverse("settlement:adjustment_year")
    first = client.post(url, {"year": YEAR, "step": "contributions"})
    assert first.status_code == 302
    assert AdjustmentContribution.objects.count() == 2
    assert client.post(url, {"year": YEAR, "step": "waterfall"}).status_code == 302

    page = client.get(url, {"year": YEAR})
    html = page.content.decode()
    assert page.status_code == 200 and 'id="formula"' in html
    # D = 1,800 − 1,000 + 100 = 900; (a) 100; (b) 400; R = 400 split by completion 77.08 %:
    # s = 0.5 + 0.4 × 0.2292 = 0.5917 → county 236.68, city 163.32.
    assert "1,800.00 − 1,000.00 + 100.00 = 900.00" in html
    assert "400.00 × 59.17 % = 236.68" in html
    assert 'data-county="410181" data-fund="310100"' in html

    again = client.post(url, {"year": YEAR, "step": "contributions"}, follow=True)
    assert "该步骤已执行过" in again.content.decode()


def test_adjustment_page_scoping_and_read_only_roles(year_with_targets, client_for):
    client_for(persona("clerk")).post(
        reverse("settlement:adjustment_year"), {"year": YEAR, "step": "contributions"}
    )
    url = reverse("settlement:adjustment_year")
    own = client_for(persona("county_b")).get(url, {"year": YEAR}).content.decode()
    assert 'data-county="410122"' in own and 'data-county="410181"' not in own
    assert 'id="adjustment-run"' not in own
    for name in ("auditor", "county_b", "bureau"):
        response = client_for(persona(name)).post(url, {"year": YEAR, "step": "waterfall"})
        assert response.status_code == 403
    assert AdjustmentYear.objects.get().waterfall_at is None


def test_adjustment_page_bad_input_is_a_form_error(city, client_for):
    response = client_for(persona("clerk")).post(
        reverse("settlement:adjustment_year"), {"year": "soon", "step": "everything"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "id_year-errors" in html and "id_step-errors" in html
    early = client_for(persona("clerk")).post(
        reverse("settlement:adjustment_year"), {"year": YEAR, "step": "waterfall"}
    )
    assert early.status_code == 400 and "errorlist" in early.content.decode()


def test_adjustment_api_runs_and_scopes(year_with_targets, api_for):
    clerk = api_for(persona("clerk"))
    assert clerk.post("/api/adjustment-years/run/", {"year": "x"}, format="json").status_code == 400
    assert (
        api_for(persona("auditor"))
        .post("/api/adjustment-years/run/", {"year": YEAR}, format="json")
        .status_code
        == 403
    )
    response = clerk.post("/api/adjustment-years/run/", {"year": YEAR}, format="json")
    assert response.status_code == 200
    body = response.json()
    assert {row["county_code"] for row in body["contributions"]} == {ZHONGMU, GONGYI}
    [cover] = body["covers"]
    assert (cover["deficit"], cover["county_finance"], cover["city_finance"]) == (
        "900.00",
        "236.68",
        "163.32",
    )

    own = api_for(persona("county_a")).get("/api/adjustment-years/").json()
    [record] = own["results"]
    assert record["contributions"] == [] and record["covers"] == []  # 金水区 had nothing
    assert JINSHUI not in {row["county_code"] for row in body["contributions"]}
    assert datetime.date.fromisoformat(record["posting_month"]) == datetime.date(YEAR + 1, 1, 1)
