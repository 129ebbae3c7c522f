"""Bad input gets a clear field error, in Chinese by default and English when switched."""

import pytest
from django.test import Client
from django.urls import reverse

from pooling.rules.models import PolicyRule


def test_rule_form_shows_chinese_field_errors_by_default(client_for, bureau_approver):
    count = PolicyRule.objects.count()
    response = client_for(bureau_approver).post(
        reverse("pooling:rule_create"), {"key": "individual_rate", "value": "abc"}
    )
    assert response.status_code == 400
    form = response.context["form"]
    assert form.errors["value"] == ["输入一个数字。"]
    assert form.errors["effective_from"] == ["该字段是必填项。"]
    assert PolicyRule.objects.count() == count


def test_rule_form_errors_in_english_when_switched(client_for, bureau_approver):
    client = client_for(bureau_approver)
    client.post(reverse("set_language"), {"language": "en"})
    response = client.post(reverse("pooling:rule_create"), {"key": "individual_rate", "value": "x"})
    assert response.status_code == 400
    assert response.context["form"].errors["value"] == ["Enter a number."]


def test_service_error_appears_next_to_its_field(client_for, bureau_approver):
    client = client_for(bureau_approver)
    client.post(reverse("set_language"), {"language": "en"})
    response = client.post(
        reverse("pooling:rule_create"),
        {
            "key": "individual_rate",
            "value": "0.03",
            "effective_from": "2027-01-01",
            "effective_to": "2026-01-01",
        },
    )
    assert response.status_code == 400
    assert response.context["form"].errors["effective_to"] == [
        "The end date is before the start date."
    ]
    assert b'id="id_effective_to-errors"' in response.content


def test_api_answers_400_with_field_errors(api_for, bureau_approver):
    response = api_for(bureau_approver).post(
        "/api/rules/", {"key": "nope", "value": "-1", "effective_from": "2027-13-01"}
    )
    assert response.status_code == 400
    assert set(response.json()) == {"key", "value", "effective_from"}


def test_api_passes_service_errors_as_field_errors(api_for, bureau_approver, county_a):
    response = api_for(bureau_approver).post(
        "/api/accession-evaluations/",
        {"county": county_a.pk, "evaluated_on": "2026-05-01", "result": "passed"},
    )
    assert response.status_code == 400
    assert "join_date" in response.json()


def test_working_day_api_names_the_unknown_year(api_for, city_clerk):
    response = api_for(city_clerk).get(
        "/api/calendar-overrides/add-working-days/", {"start": "2027-03-01", "days": 3}
    )
    assert response.status_code == 400
    assert "2027" in response.json()["start"][0]


def test_working_day_api_counts_the_adjusted_saturday(api_for, city_clerk):
    response = api_for(city_clerk).get(
        "/api/calendar-overrides/add-working-days/", {"start": "2026-09-30", "days": 3}
    )
    assert response.json()["result"] == "2026-10-10"


def test_calendar_page_calculator_shows_unknown_year_as_field_error(client_for, city_clerk):
    response = client_for(city_clerk).get(
        reverse("pooling:calendar"), {"start": "2027-03-01", "days": "3"}
    )
    assert response.status_code == 200
    assert "2027" in response.context["calculator"].errors["start"][0]


@pytest.mark.parametrize("url", ["/api/schema/", "/api/docs/"])
def test_api_schema_and_docs_are_served_to_signed_in_users_only(client_for, auditor, url):
    assert client_for(auditor).get(url).status_code == 200
    assert Client().get(url).status_code in (401, 403)


def test_the_docs_start_up_script_is_a_file_not_inline(client_for, auditor):
    page = client_for(auditor).get("/api/docs/").content.decode()
    assert "<script>" not in page
    assert client_for(auditor).get("/api/docs/", {"script": ""}).status_code == 200


def test_pages_are_chinese_even_when_the_browser_asks_for_english(client_for, city_clerk):
    client = client_for(city_clerk)
    response = client.get(reverse("pooling:county_list"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert "统筹单位".encode() in response.content
    client.post(reverse("set_language"), {"language": "en"})
    response = client.get(reverse("pooling:county_list"), HTTP_ACCEPT_LANGUAGE="zh-CN")
    assert b"Member units (counties)" in response.content


def test_api_follows_accept_language(api_for, bureau_approver):
    api = api_for(bureau_approver)
    english = api.post("/api/rules/", {"key": "individual_rate"}, HTTP_ACCEPT_LANGUAGE="en")
    chinese = api.post("/api/rules/", {"key": "individual_rate"})
    assert english.json()["value"] == ["This field is required."]
    assert chinese.json()["value"] == ["该字段是必填项。"]
