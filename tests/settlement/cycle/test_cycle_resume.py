"""Failures leave the ledger as it was; a re-run finishes with the same ledger as a clean run."""

import datetime
import threading
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection

from funds.ledger.models import Account, ClosedMonth, JournalEntry
from settlement.cycle import services
from settlement.cycle.models import STEP_ORDER, MonthlyCycle
from tests.factories.settlement import (
    MONTH,
    balance,
    collect,
    cycle_movements,
    ledger_fingerprint,
    open_city,
)

APRIL = datetime.date(2026, 4, 1)


def _collections(municipality, month):
    collect(municipality, "370811", "310100", "1000.10", month=month)
    collect(municipality, "370811", "310200", "200.05", month=month)
    collect(municipality, "370883", "910100", "66.66", month=month)


def _clean_run(municipality, month):
    cycle, _created = services.cycle_start(municipality=municipality, month=month, actor=None)
    assert services.cycle_run_all(cycle=cycle, actor=None)[-1].status == "done"
    return cycle


@pytest.mark.parametrize("failing_step", STEP_ORDER)
def test_a_failure_in_any_step_then_a_rerun_gives_the_clean_ledger(db, monkeypatch, failing_step):
    municipality = open_city("jining")
    _collections(municipality, MONTH)
    _clean_run(municipality, MONTH)
    clean = cycle_movements(municipality, MONTH)

    _collections(municipality, APRIL)
    # A per-county step fails in each county's part (one transaction each); in process the
    # assessment's parts run as one statement, so its service is what fails.
    if failing_step == "assessment":
        runners, failing = vars(services), "assessment_run_within"
    elif failing_step in services.PARTITIONED_STEPS:
        runners, failing = services._PART_RUNNERS, failing_step
    else:
        runners, failing = services._RUNNERS, failing_step
    real = runners[failing]

    def work_then_fail(*args, **kwargs):
        real(*args, **kwargs)  # the work happens, then the step (or part) dies
        raise services.StepFailed("injected failure")

    monkeypatch.setitem(runners, failing, work_then_fail)
    cycle, _created = services.cycle_start(municipality=municipality, month=APRIL, actor=None)
    before_failure = ledger_fingerprint(municipality)
    outcomes = services.cycle_run_all(cycle=cycle, actor=None)

    assert (outcomes[-1].name, outcomes[-1].status) == (failing_step, "failed")
    assert outcomes[-1].error.endswith("injected failure")
    done_before = STEP_ORDER[: STEP_ORDER.index(failing_step)]
    assert list(cycle.steps.filter(status="done").values_list("name", flat=True)) == done_before
    if failing_step in ("assessment", "collections_cutoff", "remittance"):
        assert ledger_fingerprint(municipality) == before_failure
    if failing_step == "fiscal_transfer":
        assert balance(municipality, kind=Account.Kind.INCOME, fund="310100") == Decimal("1000.10")
    assert not ClosedMonth.objects.filter(municipality=municipality, month=APRIL).exists()

    monkeypatch.setitem(runners, failing, real)
    services.cycle_step_rerun(step=cycle.steps.get(name=failing_step), actor=None, queue=False)
    assert services.cycle_run_all(cycle=cycle, actor=None)[-1].status == "done"
    assert cycle_movements(municipality, APRIL) == clean
    assert balance(municipality, kind=Account.Kind.FISCAL_SPECIAL, fund="310100") == Decimal(
        "2000.20"
    )


def test_running_a_finished_cycle_again_changes_nothing(db):
    municipality = open_city("jining")
    _collections(municipality, MONTH)
    cycle = _clean_run(municipality, MONTH)
    before = ledger_fingerprint(municipality)
    again = services.cycle_run_all(cycle=cycle, actor=None)
    assert [outcome.status for outcome in again] == ["done"] * 6
    assert ledger_fingerprint(municipality) == before


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent connections")
@pytest.mark.django_db(transaction=True)
def test_two_triggers_of_the_same_month_at_once_produce_one_set_of_entries():
    municipality = open_city("jining")
    _collections(municipality, MONTH)
    barrier = threading.Barrier(2)
    errors = []

    def trigger():
        try:
            barrier.wait()
            cycle, _created = services.cycle_start(
                municipality=municipality, month=MONTH, actor=None
            )
            services.cycle_run_all(cycle=cycle, actor=None)
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=trigger) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    cycle = MonthlyCycle.objects.get(municipality=municipality, month=MONTH)
    if cycle.status != "completed":  # the loser may have skipped a step the winner held
        services.cycle_run_all(cycle=cycle, actor=None)
    assert MonthlyCycle.objects.filter(municipality=municipality).count() == 1
    remittances = JournalEntry.objects.filter(municipality=municipality, kind="remittance")
    # Three county income accounts remitted, three city income accounts transferred.
    assert remittances.count() == 6
    assert balance(municipality, kind=Account.Kind.FISCAL_SPECIAL, fund="310100") == Decimal(
        "1000.10"
    )


def test_run_cycle_command_prints_figures_and_fails_loudly(jining_city, capsys, monkeypatch):
    collect(jining_city, "370811", "310100", "10.00")
    monkeypatch.setitem(
        services._PART_RUNNERS,
        "remittance",
        lambda cycle, county, actor: (_ for _ in ()).throw(services.StepFailed("bank closed")),
    )
    with pytest.raises(Exception, match="did not finish"):
        call_command("run_cycle", "--city", "jining", "--month", "2026-03")
    assert "bank closed" in capsys.readouterr().out
    monkeypatch.undo()
    services.cycle_step_rerun(
        step=MonthlyCycle.objects.get().steps.get(name="remittance"), actor=None, queue=False
    )
    call_command("run_cycle", "--city", "jining", "--month", "2026-03")
    output = capsys.readouterr().out
    assert "month_close" in output and "Month closed." in output
    assert "10.00" in output


def test_run_cycle_refuses_a_bad_month(jining_city):
    with pytest.raises(Exception, match="YYYY-MM"):
        call_command("run_cycle", "--city", "jining", "--month", "2026-13")


def test_a_run_that_finds_the_month_held_waits_and_exits_0_when_it_completes(
    jining_city, capsys, monkeypatch
):
    """Of concurrent run_cycle processes, the losers find each step locked by the winner:
    they say so, wait, and succeed once the winner has closed the month."""
    from settlement.management.commands import run_cycle

    collect(jining_city, "370811", "310100", "10.00")
    real_lock = services._lock_step
    monkeypatch.setattr(services, "_lock_step", lambda step: None)  # the winner holds it

    def winner_finishes(seconds):
        monkeypatch.setattr(services, "_lock_step", real_lock)
        services.cycle_run_all(cycle=MonthlyCycle.objects.get(), actor=None)

    monkeypatch.setattr(run_cycle.time, "sleep", winner_finishes)
    call_command("run_cycle", "--city", "jining", "--month", "2026-03")
    output = capsys.readouterr().out
    assert "Another run holds the month" in output
    assert "Month closed (by another run)." in output
    assert MonthlyCycle.objects.get().status == MonthlyCycle.Status.COMPLETED


def test_a_run_that_finds_the_month_still_held_exits_with_its_own_code(jining_city, monkeypatch):
    from django.core.management.base import CommandError

    from settlement.management.commands.run_cycle import HELD_ELSEWHERE

    collect(jining_city, "370811", "310100", "10.00")
    monkeypatch.setattr(services, "_lock_step", lambda step: None)
    with pytest.raises(CommandError, match="still holds the month") as raised:
        call_command("run_cycle", "--city", "jining", "--month", "2026-03", "--wait", "0")
    assert raised.value.returncode == HELD_ELSEWHERE == 3
