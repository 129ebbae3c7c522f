"""Scoping and capabilities on pages and the API; API field errors; top-ups; demo."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from enrollment.contributions import top_ups
from enrollment.contributions.models import Assessment
from enrollment.contributions.top_ups import TopUpCase
from enrollment.people.demo import seed_enrollment
from enrollment.people.models import Employer, InsuredPerson, Scope
from pooling.accounts.models import AuditEvent
from pooling.structure.demo import DemoOptions
from tests.factories.enrollment import credit_code, resident_id

D = datetime.date
pytestmark = pytest.mark.django_db


@pytest.fixture
def in_b(county_b, make_employer, make_person):
    employer = make_employer(county_b)
    return employer, make_person(county_b, employer=employer, wage="60000.00")


def test_county_a_officer_gets_404_for_county_b_person_and_employer(
    client_for, county_a_officer, in_b
):
    employer, person = in_b
    client = client_for(county_a_officer)
    assert client.get(reverse("enrollment:person_detail", args=[person.pk])).status_code == 404
    assert client.get(reverse("enrollment:employer_detail", args=[employer.pk])).status_code == 404
    response = client.post(
        reverse("enrollment:employer_update", args=[employer.pk]),
        {"name": "改名", "unit_type": "enterprise", "status": "active"},
    )
    assert response.status_code == 404
    assert Employer.objects.get(pk=employer.pk).name == "测试单位"


def test_county_a_officer_api_404_and_list_only_own_county(
    api_for, county_a_officer, county_a, make_person, in_b
):
    employer, person = in_b
    own = make_person(county_a, Scope.FLEXIBLE)
    api = api_for(county_a_officer)
    assert api.get(f"/api/people/{person.pk}/").status_code == 404
    assert api.get(f"/api/employers/{employer.pk}/").status_code == 404
    ids = [row["id"] for row in api.get("/api/people/").json()["results"]]
    assert ids == [own.pk]


def test_county_a_officer_cannot_create_in_county_b(
    client_for, api_for, county_a_officer, county_b
):
    events = AuditEvent.objects.count()
    code = credit_code()
    data = {"county": county_b.pk, "credit_code": code, "name": "越权", "unit_type": "enterprise"}
    assert (
        client_for(county_a_officer).post(reverse("enrollment:employer_create"), data).status_code
        == 400
    )
    response = api_for(county_a_officer).post("/api/employers/", data, format="json")
    assert response.status_code == 400
    assert "county" in response.json()
    assert not Employer.objects.filter(credit_code=code).exists()
    assert AuditEvent.objects.count() == events


def test_auditor_reads_but_cannot_write(client_for, api_for, auditor, county_a, in_b):
    employer, person = in_b
    assert (
        client_for(auditor).get(reverse("enrollment:person_detail", args=[person.pk])).status_code
        == 200
    )
    data = {
        "county": county_a.pk,
        "credit_code": credit_code(),
        "name": "审计",
        "unit_type": "enterprise",
    }
    assert client_for(auditor).post(reverse("enrollment:employer_create"), data).status_code == 403
    api = api_for(auditor)
    assert api.post("/api/employers/", data, format="json").status_code == 403
    assert (
        api.post("/api/assessments/run/", {"month": "2024-06-01"}, format="json").status_code == 403
    )
    assert Employer.objects.count() == 1
    assert Assessment.objects.count() == 0


def test_api_bad_input_gives_field_errors(api_for, city_clerk, county_a):
    response = api_for(city_clerk).post(
        "/api/people/",
        {
            "county": county_a.pk,
            "id_number": "110105194912310029",
            "name": "",
            "category": "x",
            "from_month": "2024-06-15",
        },
        format="json",
    )
    assert response.status_code == 400
    assert {"id_number", "name", "category"} <= set(response.json())
    response = api_for(city_clerk).post(
        "/api/people/",
        {
            "county": county_a.pk,
            "id_number": resident_id(),
            "name": "李四",
            "category": "flexible",
            "from_month": "2024-06-15",
        },
        format="json",
    )
    assert response.status_code == 400 and "from_month" in response.json()
    assert InsuredPerson.objects.count() == 0


def test_api_creates_person_and_episode_is_audited(api_for, city_clerk, county_a):
    response = api_for(city_clerk).post(
        "/api/people/",
        {
            "county": county_a.pk,
            "id_number": "11010519491231002X",
            "name": "王五",
            "category": "flexible",
            "from_month": "2024-06-01",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["birth_date"] == "1949-12-31"
    assert AuditEvent.objects.filter(action__in=["person.enroll", "episode.create"]).count() == 2


def test_pages_render_for_the_clerk(client_for, city_clerk, in_b, jining):
    employer, person = in_b
    client = client_for(city_clerk)
    client.post(reverse("enrollment:assessment_run"), {"month": "2024-06"})
    assert Assessment.objects.count() == 1
    for name in [
        "employer_list",
        "person_list",
        "base_list",
        "assessment_list",
        "arrears",
        "collection_list",
        "top_up",
        "contribution_rules",
        "base_upload",
        "collection_upload",
    ]:
        assert client.get(reverse(f"enrollment:{name}")).status_code == 200, name
    response = client.get(reverse("enrollment:assessment_list") + "?export=csv")
    body = b"".join(response.streaming_content).decode()
    assert "510.00" in body


def test_contribution_rules_page_links_to_the_rule_form(client_for, bureau_approver, jining):
    response = client_for(bureau_approver).get(
        reverse("enrollment:contribution_rules") + "?month=2024-06"
    )
    html = response.content.decode()
    assert reverse("pooling:rule_create") + "?key=employer_rate_public" in html
    assert "0.074" in html


def test_form_errors_show_next_to_fields(client_for, city_clerk, county_a):
    response = client_for(city_clerk).post(
        reverse("enrollment:employer_create"),
        {
            "county": county_a.pk,
            "credit_code": "91350100M000100Y44",
            "name": "",
            "unit_type": "enterprise",
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="id_credit_code-errors"' in html and 'id="id_name-errors"' in html


# Top-ups (N 三(二)3–4) ---------------------------------------------------------------------------


def _quote(jining, **kwargs):
    return top_ups.top_up_quote(municipality=jining, on=D(2024, 6, 1), **kwargs)


def test_top_up_retiring_with_seven_years_pays_three_years_on_last_base(jining):
    quote = _quote(
        jining, case=TopUpCase.RETIRING_SHORT, months_paid=84, last_base=Decimal("5000.00")
    )
    assert (quote.months, quote.amount, quote.total) == (
        36,
        Decimal("12600.00"),
        Decimal("12600.00"),
    )
    assert "5000.00" in quote.formula and "0.07" in quote.formula


def test_top_up_never_enrolled_enterprise_retiree_pension_floored_at_minimum_base(jining):
    low = _quote(jining, case=TopUpCase.NEVER_ENROLLED_RETIREE, last_pension=Decimal("3000.00"))
    high = _quote(jining, case=TopUpCase.NEVER_ENROLLED_RETIREE, last_pension=Decimal("5000.00"))
    assert (low.base, low.months, low.amount) == (Decimal("4400.00"), 120, Decimal("36960.00"))
    assert high.amount == Decimal("42000.00")
    assert low.benefits_from == D(2024, 7, 1)


def test_top_up_flexible_retiree_on_provincial_average_wage(jining):
    quote = _quote(jining, case=TopUpCase.FLEXIBLE_RETIREE)
    # 88000 / 12 = 7333.33; × 7 % × 120 = 61599.972 → 61599.97
    assert (quote.base, quote.amount) == (Decimal("7333.33"), Decimal("61599.97"))


def test_top_up_bankrupt_employer_adds_critical_illness_for_remaining_life_expectancy(jining):
    quote = _quote(
        jining,
        case=TopUpCase.BANKRUPT_RETIREE,
        months_paid=60,
        last_pension=Decimal("3500.00"),
        birth_date=D(1960, 5, 10),
        bankruptcy_date=D(2020, 3, 1),
    )
    # 4400.00 × 7 % × 60 = 18480.00; 6 × 12 × (79 − 59) = 1440.00
    assert (quote.amount, quote.critical_illness_years, quote.critical_illness_amount) == (
        Decimal("18480.00"),
        20,
        Decimal("1440.00"),
    )
    assert quote.total == Decimal("19920.00")
    assert quote.individual_critical_illness_yearly == Decimal("48.00")


def test_top_up_api_gives_formula_and_field_errors(api_for, city_clerk, jining):
    api = api_for(city_clerk)
    response = api.post(
        "/api/top-ups/quote/",
        {"case": "retiring_short", "on": "2024-06-01", "months_paid": 84, "last_base": "5000.00"},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["amount"] == "12600.00"
    response = api.post(
        "/api/top-ups/quote/", {"case": "bankrupt_retiree", "on": "2024-06-01"}, format="json"
    )
    assert response.status_code == 400
    assert {"last_pension", "birth_date", "bankruptcy_date"} <= set(response.json())


# Demo ---------------------------------------------------------------------------------------------


def test_demo_seeder_is_idempotent_with_realistic_proportions(jining):
    seed_enrollment(jining, DemoOptions(city="jining", insured=200), log=lambda message: None)
    people = InsuredPerson.objects.filter(municipality=jining)
    counts = (people.count(), Employer.objects.count(), Assessment.objects.count())
    assert counts[0] == 200 and counts[1] == 10
    assert people.filter(category=Scope.RETIREE).count() == 54  # 27 %
    assert people.filter(category=Scope.FLEXIBLE).count() == 12
    seed_enrollment(jining, DemoOptions(city="jining", insured=200), log=lambda message: None)
    assert (people.count(), Employer.objects.count(), Assessment.objects.count()) == counts
