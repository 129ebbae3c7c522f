"""A period closes only after it ends: a month's cycle starts on or after its last day
(Asia/Shanghai) through the service, the page, the API and ``run_cycle``; a month closes only
then; a cycle of a month that has not ended (left from before) runs no step and says why."""

import datetime
import zoneinfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse

from funds.ledger.models import ClosedMonth, JournalEntry
from funds.ledger.services import month_close
from pooling.accounts.models import User
from settlement.cycle import selectors, services
from settlement.cycle.models import STEP_ORDER, CycleStep, MonthlyCycle
from tests.factories.settlement import collect

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
# 2 December 2026 in Beijing (still 1 December in UTC): December has not ended.
EARLY_DECEMBER = datetime.datetime(2026, 12, 2, 7, 0, tzinfo=SHANGHAI)
DECEMBER = datetime.date(2026, 12, 1)
NEXT_JANUARY = datetime.date(2027, 1, 1)


@pytest.fixture(autouse=True)
def _english(english_messages):
    """Service messages are asserted in English (their msgids)."""


@pytest.fixture
def early_december():
    with time_machine.travel(EARLY_DECEMBER, tick=False):
        yield


@pytest.fixture
def clerk(jining_city):
    return User.objects.get(username="jining_clerk")


def _nothing_closed(municipality):
    assert not MonthlyCycle.objects.filter(municipality=municipality).exists()
    assert not ClosedMonth.objects.filter(municipality=municipality).exists()
    assert not JournalEntry.objects.filter(kind=JournalEntry.Kind.REMITTANCE).exists()


@pytest.mark.parametrize("month", [DECEMBER, NEXT_JANUARY, datetime.date(2030, 5, 1)])
def test_a_month_that_has_not_ended_cannot_start(jining_city, early_december, month):
    collect(jining_city, "370811", "310100", "70.00")
    with pytest.raises(ValidationError) as refused:
        services.cycle_start(municipality=jining_city, month=month, actor=None, queue=False)
    assert refused.value.error_dict["month"][0].code == "month_not_ended"
    message = refused.value.message_dict["month"][0]
    assert f"{month:%Y-%m} has not ended" in message and "2026-12-02" in message
    _nothing_closed(jining_city)


def test_the_month_starts_on_its_last_day_in_beijing(jining_city):
    # 30 November 17:00 UTC is already 1 December in Beijing: November has ended there.
    with time_machine.travel(datetime.datetime(2026, 11, 30, 17, 0, tzinfo=datetime.UTC)):
        cycle, created = services.cycle_start(
            municipality=jining_city, month=datetime.date(2026, 11, 1), actor=None, queue=False
        )
    assert created
    # 31 December 01:00 in Beijing is the last day: the cycle may start.
    with time_machine.travel(datetime.datetime(2026, 12, 31, 1, 0, tzinfo=SHANGHAI)):
        december, created = services.cycle_start(
            municipality=jining_city, month=DECEMBER, actor=None, queue=False
        )
    assert created and december.month == DECEMBER


def test_the_api_refuses_a_future_month_with_a_field_error(jining_city, clerk, api_for):
    with time_machine.travel(EARLY_DECEMBER, tick=False):
        response = api_for(clerk).post("/api/cycles/", {"month": "2027-01"})
    assert response.status_code == 400
    assert "2027-01-31" in response.json()["month"][0]
    _nothing_closed(jining_city)


def test_the_page_refuses_a_future_month_before_and_at_the_confirmation(jining_city, clerk, client):
    client.force_login(clerk)
    with time_machine.travel(EARLY_DECEMBER, tick=False):
        asked = client.get(reverse("settlement:cycle_start"), {"month": "2026-12"})
        confirmed = client.post(
            reverse("settlement:cycle_start"), {"month": "2026-12", "confirm": "on"}
        )
    assert asked.status_code == 400
    assert "2026-12-31" in asked.context["form"].errors["month"][0]
    assert b'id="start-confirmation"' not in asked.content
    assert confirmed.status_code == 400
    assert "2026-12-31" in confirmed.content.decode()
    _nothing_closed(jining_city)


def test_run_cycle_refuses_a_future_month(jining_city, early_december):
    with pytest.raises(CommandError, match="2030-05 has not ended"):
        call_command("run_cycle", "--city", "jining", "--month", "2030-05")
    _nothing_closed(jining_city)


def test_a_month_cannot_close_before_its_last_day(jining_city, clerk, early_december):
    with pytest.raises(ValidationError) as refused:
        month_close(municipality=jining_city, month=DECEMBER, actor=clerk)
    assert "month" in refused.value.message_dict
    assert not ClosedMonth.objects.exists()


def test_a_cycle_of_a_month_not_ended_runs_nothing_and_says_why(
    jining_city, clerk, client, early_december
):
    """A cycle left from before the rule (the old demo started the current month) runs no
    step: the first fails with the reason, nothing is booked or closed, and the page says
    when the month can run."""
    collect(jining_city, "370811", "310100", "70.00")
    cycle = MonthlyCycle.objects.create(municipality=jining_city, month=DECEMBER)
    CycleStep.objects.bulk_create(
        CycleStep(cycle=cycle, name=name, position=position)
        for position, name in enumerate(STEP_ORDER, start=1)
    )
    outcomes = services.cycle_run_all(cycle=cycle, actor=None)
    assert [(outcome.name, outcome.status) for outcome in outcomes] == [("assessment", "failed")]
    assert "2026-12 has not ended" in outcomes[0].error
    assert not ClosedMonth.objects.exists()
    assert not JournalEntry.objects.filter(kind=JournalEntry.Kind.REMITTANCE).exists()
    client.force_login(clerk)
    page = client.get(reverse("settlement:cycle_detail", args=[cycle.pk]))
    assert page.status_code == 200
    assert "2026-12-31" in page.content.decode()
    assert 'id="cycle-waiting"' in page.content.decode()


def test_a_waiting_cycle_names_the_step_and_what_unblocks_it(jining_city, clerk, client):
    """A past month's cycle whose steps are queued but not running tells how to resume it."""
    cycle, _created = services.cycle_start(
        municipality=jining_city, month=datetime.date(2026, 3, 1), actor=None, queue=False
    )
    progress = selectors.cycle_progress(cycle=cycle)
    assert "run_cycle --city jining --month 2026-03" in progress["waiting"]
    services.cycle_run_all(cycle=cycle, actor=None)
    cycle.refresh_from_db()
    assert selectors.cycle_progress(cycle=cycle)["waiting"] == ""
