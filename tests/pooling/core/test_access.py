"""Each role's allowed and denied pages and endpoints of the pooling structure."""

import datetime

import pytest
from django.urls import reverse

from pooling.accounts.models import AuditEvent, Role
from pooling.core.access import capabilities
from pooling.rules.models import PolicyRule
from pooling.structure.models import AccessionEvaluation, CountyPoolingModel
from pooling.workdays.models import CalendarOverride

READ_PAGES = [
    "pooling:county_list",
    "pooling:pooling_model_list",
    "pooling:accession_list",
    "pooling:rule_list",
    "pooling:calendar",
]


def _state():
    """Everything a denied write could have changed."""
    return (
        CountyPoolingModel.objects.count(),
        AccessionEvaluation.objects.count(),
        PolicyRule.objects.count(),
        CalendarOverride.objects.count(),
        AuditEvent.objects.count(),
    )


def test_anonymous_visitors_are_sent_to_login(client, jining):
    response = client.get(reverse("pooling:county_list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_anonymous_api_calls_are_refused(api_for, jining):
    assert api_for(None).get("/api/counties/").status_code in (401, 403)


@pytest.mark.parametrize("page", READ_PAGES)
def test_every_role_reads_the_structure_pages(client_for, personas, page):
    for user in personas.values():
        assert client_for(user).get(reverse(page)).status_code == 200, (user.role, page)


def test_audit_log_is_for_auditors_administrators_and_the_bureau(client_for, personas):
    allowed = {Role.AUDITOR, Role.ADMINISTRATOR, Role.BUREAU_APPROVER}
    for role, user in personas.items():
        status = client_for(user).get(reverse("pooling:audit_list")).status_code
        assert status == (200 if role in allowed else 403), role


def test_county_officer_sees_only_their_county(client_for, county_a_officer, county_a, county_b):
    client = client_for(county_a_officer)
    listing = client.get(reverse("pooling:county_list"))
    assert [county.pk for county in listing.context["object_list"]] == [county_a.pk]
    assert client.get(reverse("pooling:county_detail", args=[county_a.pk])).status_code == 200
    assert client.get(reverse("pooling:county_detail", args=[county_b.pk])).status_code == 404


def test_county_officer_api_cannot_read_another_county(
    api_for, county_a_officer, county_a, county_b
):
    api = api_for(county_a_officer)
    assert [row["id"] for row in api.get("/api/counties/").json()["results"]] == [county_a.pk]
    assert api.get(f"/api/counties/{county_b.pk}/").status_code == 404
    models = api.get("/api/pooling-models/").json()["results"]
    assert {row["county"] for row in models} == {county_a.pk}


def test_county_officer_cannot_write_for_another_county(
    client_for, api_for, county_a_officer, county_b
):
    before = _state()
    form = client_for(county_a_officer).post(
        reverse("pooling:pooling_model_create"),
        {"county": county_b.pk, "model": "tiered", "effective_from": "2027-01-01"},
    )
    assert form.status_code == 403
    api = api_for(county_a_officer).post(
        "/api/pooling-models/",
        {"county": county_b.pk, "model": "tiered", "effective_from": "2027-01-01"},
    )
    assert api.status_code == 403
    assert _state() == before


def test_auditor_never_writes(client_for, api_for, auditor, county_a):
    before = _state()
    client = client_for(auditor)
    writes = [
        (
            reverse("pooling:pooling_model_create"),
            {"county": county_a.pk, "model": "tiered", "effective_from": "2027-01-01"},
        ),
        (
            reverse("pooling:accession_create"),
            {"county": county_a.pk, "result": "failed", "evaluated_on": "2026-01-01"},
        ),
        (
            reverse("pooling:rule_create"),
            {"key": "individual_rate", "value": "0.03", "effective_from": "2027-01-01"},
        ),
        (reverse("pooling:calendar"), {"date": "2026-12-01", "is_workday": "0"}),
    ]
    for url, data in writes:
        assert client.post(url, data).status_code == 403, url
    api = api_for(auditor)
    rule = {"key": "individual_rate", "value": "0.03", "effective_from": "2027-01-01"}
    assert api.post("/api/rules/", rule).status_code == 403
    override = {"date": "2026-12-01", "is_workday": False}
    assert api.post("/api/calendar-overrides/", override).status_code == 403
    assert _state() == before


def test_auditors_hold_only_view_capabilities():
    for capability, roles in capabilities().items():
        if Role.AUDITOR in roles:
            assert capability.split(".")[-1].startswith("view_"), capability


def test_finance_officer_cannot_change_rules(client_for, finance_officer):
    before = _state()
    response = client_for(finance_officer).post(
        reverse("pooling:rule_create"),
        {"key": "individual_rate", "value": "0.03", "effective_from": "2027-01-01"},
    )
    assert response.status_code == 403
    assert _state() == before


def test_bureau_approver_adds_a_rule_version_in_the_browser(client_for, bureau_approver, jining):
    response = client_for(bureau_approver).post(
        reverse("pooling:rule_create"),
        {"key": "individual_rate", "value": "0.025", "effective_from": "2027-01-01"},
    )
    assert response.status_code == 302
    version = PolicyRule.objects.get(
        key="individual_rate", effective_from=datetime.date(2027, 1, 1)
    )
    assert str(version.value) == "0.025000"
    assert AuditEvent.objects.filter(action="rule.add", object_id=str(version.pk)).exists()


def test_the_platform_operator_records_a_calendar_override(client_for, platform_operator):
    response = client_for(platform_operator).post(
        reverse("pooling:calendar"), {"date": "2027-01-01", "is_workday": "0", "note": "元旦"}
    )
    assert response.status_code == 302
    assert CalendarOverride.objects.get(date=datetime.date(2027, 1, 1)).is_workday is False
