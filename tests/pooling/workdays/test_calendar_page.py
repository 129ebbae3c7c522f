"""The calendar page: the overrides, the form to add or change one, removing one, and the
working-day calculator; only the platform operator changes the national calendar, so only it
sees the form and buttons."""

import datetime

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from pooling.accounts.models import AuditEvent
from pooling.workdays.models import CalendarOverride

pytestmark = pytest.mark.django_db
DAY = datetime.date(2027, 1, 1)


def test_the_platform_operator_sees_the_form_and_the_remove_buttons(
    english_client_for, platform_operator, city_clerk
):
    override = CalendarOverride.objects.create(date=DAY, is_workday=False, note="元旦")
    page = english_client_for(platform_operator).get(reverse("pooling:calendar")).content.decode()
    assert "Add or change an override" in page
    assert reverse("pooling:calendar_override_delete", args=[override.pk]) in page
    # A city's clerk reads the national calendar but no longer changes it.
    page = english_client_for(city_clerk).get(reverse("pooling:calendar")).content.decode()
    assert "Add or change an override" not in page


def test_an_auditor_sees_the_overrides_without_form_or_buttons(english_client_for, auditor):
    override = CalendarOverride.objects.create(date=DAY, is_workday=False, note="元旦")
    response = english_client_for(auditor).get(reverse("pooling:calendar"))
    page = response.content.decode()
    assert list(response.context["object_list"]) == [override]
    assert "Add or change an override" not in page
    assert reverse("pooling:calendar_override_delete", args=[override.pk]) not in page


def test_an_incomplete_override_is_refused_with_its_field_errors(client_for, platform_operator):
    response = client_for(platform_operator).post(reverse("pooling:calendar"), {"is_workday": "0"})
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"date"}
    assert 'id="id_date-errors"' in response.content.decode()
    assert CalendarOverride.objects.count() == 0


def test_an_override_is_changed_in_place_and_audited(client_for, platform_operator):
    client = client_for(platform_operator)
    client.post(reverse("pooling:calendar"), {"date": DAY, "is_workday": "0"})
    response = client.post(
        reverse("pooling:calendar"), {"date": DAY, "is_workday": "1", "note": "调休"}
    )
    assert response.status_code == 302
    assert list(CalendarOverride.objects.values_list("date", "is_workday", "note")) == [
        (DAY, True, "调休")
    ]
    assert AuditEvent.objects.filter(action="calendar.set").count() == 2


def test_removing_an_override_redirects_with_a_message(english_client_for, platform_operator):
    override = CalendarOverride.objects.create(date=DAY, is_workday=False)
    client = english_client_for(platform_operator)
    url = reverse("pooling:calendar_override_delete", args=[override.pk])
    assert client.get(url).status_code == 405
    response = client.post(url)
    assert response.status_code == 302
    assert response["Location"] == reverse("pooling:calendar")
    assert [str(message) for message in get_messages(response.wsgi_request)] == [
        "The override was removed."
    ]
    assert not CalendarOverride.objects.exists()
    assert AuditEvent.objects.filter(action="calendar.delete").count() == 1


def test_removing_needs_the_capability_and_an_existing_override(
    client_for, auditor, platform_operator
):
    override = CalendarOverride.objects.create(date=DAY, is_workday=False)
    url = reverse("pooling:calendar_override_delete", args=[override.pk])
    assert client_for(auditor).post(url).status_code == 403
    assert CalendarOverride.objects.filter(pk=override.pk).exists()
    missing = reverse("pooling:calendar_override_delete", args=[override.pk + 1])
    assert client_for(platform_operator).post(missing).status_code == 404


def test_the_calculator_counts_working_days(client_for, auditor):
    response = client_for(auditor).get(
        reverse("pooling:calendar"), {"start": "2026-09-30", "days": "3"}
    )
    assert response.context["calculated"] == datetime.date(2026, 10, 10)
    assert 'id="calculated"' in response.content.decode()


def test_the_api_records_an_override_without_a_note(api_for, platform_operator):
    response = api_for(platform_operator).post(
        "/api/calendar-overrides/", {"date": "2027-01-01", "is_workday": False}
    )
    assert response.status_code == 201
    assert CalendarOverride.objects.get().note == ""


def test_a_citys_staff_cannot_change_the_national_calendar(
    client_for, api_for, city_clerk, bureau_approver
):
    for user in (city_clerk, bureau_approver):
        page = client_for(user).post(reverse("pooling:calendar"), {"date": DAY, "is_workday": "0"})
        assert page.status_code == 403
        api = api_for(user).post("/api/calendar-overrides/", {"date": DAY, "is_workday": False})
        assert api.status_code == 403
    assert not CalendarOverride.objects.exists()
