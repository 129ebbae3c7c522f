"""Pages and API of the monthly cycle, for every role."""

from decimal import Decimal

from django.urls import reverse

from pooling.accounts.models import AuditEvent, User
from settlement.cycle.models import MonthlyCycle, RemittanceLine
from tests.factories.settlement import collect


def _users(municipality):
    users = User.objects.filter(municipality=municipality)
    return {user.username.split("_", 1)[1]: user for user in users}


def test_clerk_starts_a_cycle_after_confirming(
    jining_city, client, django_capture_on_commit_callbacks
):
    users = _users(jining_city)
    collect(jining_city, "370811", "310100", "70.00")
    client.force_login(users["clerk"])
    confirm = client.get(reverse("settlement:cycle_start"), {"month": "2026-03"})
    assert confirm.status_code == 200 and b'id="start-confirmation"' in confirm.content
    assert not MonthlyCycle.objects.exists()  # nothing happens before the confirmation
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("settlement:cycle_start"), {"month": "2026-03", "confirm": "on"}
        )
    cycle = MonthlyCycle.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("settlement:cycle_detail", args=[cycle.pk])
    # Tasks run in-process without a broker: the whole chain has run by now.
    cycle.refresh_from_db()
    assert cycle.status == "completed"
    page = client.get(response["Location"])
    assert page.status_code == 200 and b"100%" in page.content
    progress = client.get(reverse("settlement:cycle_progress", args=[cycle.pk])).json()
    assert progress["percent"] == 100
    assert [step["status"] for step in progress["steps"]] == ["done"] * 6


def test_bad_month_gets_a_field_error(jining_city, client):
    client.force_login(_users(jining_city)["clerk"])
    response = client.get(reverse("settlement:cycle_start"), {"month": "2026-13"})
    assert response.status_code == 400
    assert "YYYY-MM" in response.context["form"].errors["month"][0]
    assert not MonthlyCycle.objects.exists()


def test_only_the_agency_starts_cycles(jining_city, client, api_for):
    users = _users(jining_city)
    for name in ("bureau", "finance", "county_a", "auditor"):
        client.force_login(users[name])
        response = client.post(
            reverse("settlement:cycle_start"), {"month": "2026-03", "confirm": "on"}
        )
        assert response.status_code == 403, name
        assert api_for(users[name]).post("/api/cycles/", {"month": "2026-03"}).status_code == 403
    assert not MonthlyCycle.objects.exists()


def test_api_starts_a_cycle_once(jining_city, api_for):
    api = api_for(_users(jining_city)["clerk"])
    first = api.post("/api/cycles/", {"month": "2026-03"})
    second = api.post("/api/cycles/", {"month": "2026-03"})
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["id"] == second.json()["id"]
    assert api.post("/api/cycles/", {"month": "March"}).status_code == 400


def test_county_officer_sees_only_their_remittances(
    jining_city, client, api_for, django_capture_on_commit_callbacks
):
    users = _users(jining_city)
    collect(jining_city, "370811", "310100", "11.00")
    collect(jining_city, "370812", "310100", "22.00")
    client.force_login(users["clerk"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("settlement:cycle_start"), {"month": "2026-03", "confirm": "on"})
    officer = users["county_a"]
    client.force_login(officer)
    listing = client.get(reverse("settlement:remittance_list"))
    assert [line.amount for line in listing.context["object_list"]] == [Decimal("11.00")]
    assert client.get(reverse("settlement:cycle_list")).status_code == 403
    rows = api_for(officer).get("/api/remittances/").json()["results"]
    assert [row["amount"] for row in rows] == ["11.00"]
    other = RemittanceLine.objects.get(county__code="370812")
    assert api_for(officer).get(f"/api/remittances/{other.pk}/").status_code == 404


def test_auditor_sees_every_run_and_its_ledger_entries(
    jining_city, client, django_capture_on_commit_callbacks
):
    users = _users(jining_city)
    collect(jining_city, "370811", "310100", "11.00")
    client.force_login(users["clerk"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("settlement:cycle_start"), {"month": "2026-03", "confirm": "on"})
    cycle = MonthlyCycle.objects.get()
    client.force_login(users["auditor"])
    page = client.get(reverse("settlement:cycle_detail", args=[cycle.pk]))
    assert page.status_code == 200
    entry_id = RemittanceLine.objects.filter(cycle=cycle).first().entry_id
    assert reverse("funds:entry_detail", args=[entry_id]).encode() in page.content
    assert b"Run again" not in page.content and "再次运行".encode() not in page.content


def test_schedule_is_changed_in_the_browser(jining_city, client):
    users = _users(jining_city)
    client.force_login(users["clerk"])
    bad = client.post(
        reverse("settlement:schedule"),
        {"minute": "0", "hour": "25", "day_of_month": "28-31", "enabled": "on"},
    )
    assert bad.status_code == 400
    good = client.post(
        reverse("settlement:schedule"),
        {"minute": "30", "hour": "21", "day_of_month": "28-31", "enabled": "on"},
    )
    assert good.status_code == 302
    from settlement.cycle.services import month_end_schedule

    task = month_end_schedule()
    assert (task.crontab.minute, task.crontab.hour, task.enabled) == ("30", "21", True)
    assert AuditEvent.objects.filter(action="cycle.schedule").exists()
    client.force_login(users["auditor"])
    assert client.get(reverse("settlement:schedule")).status_code == 403


def test_month_end_task_starts_cycles_only_on_the_last_day(
    jining_city, monkeypatch, django_capture_on_commit_callbacks
):
    import datetime

    from settlement.cycle import tasks

    monkeypatch.setattr(tasks.timezone, "localdate", lambda: datetime.date(2026, 3, 30))
    assert tasks.month_end_cycles_task() == []
    assert not MonthlyCycle.objects.exists()
    monkeypatch.setattr(tasks.timezone, "localdate", lambda: datetime.date(2026, 3, 31))
    collect(jining_city, "370811", "310100", "5.00")
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.month_end_cycles_task() == ["济宁市 2026-03"]
    cycle = MonthlyCycle.objects.get()
    assert (cycle.month, cycle.status) == (datetime.date(2026, 3, 1), "completed")
