"""``verify_ledger`` and the nightly check: pass on a good ledger, fail after tampering."""

import importlib

import pytest
from django.apps import apps as django_apps
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django_celery_beat.models import PeriodicTask

from funds.ledger.models import LedgerCheck
from funds.ledger.tasks import ledger_check_nightly

pytestmark = pytest.mark.django_db


@pytest.fixture
def booked(post, tax_a, income_a, city_income):
    post("collect", (tax_a, "-100.00"), (income_a, "100.00"))
    post("remit", (income_a, "-60.00"), (city_income, "60.00"), kind="remittance")


def test_verify_ledger_passes_on_a_good_ledger(booked, capsys):
    call_command("verify_ledger")
    out = capsys.readouterr().out
    assert "OK" in out
    assert "4 postings" in out


def test_verify_ledger_fails_after_a_balance_is_tampered_with(booked, income_a, capsys):
    with connection.cursor() as cursor:
        cursor.execute("UPDATE funds_account SET balance = 45.00 WHERE id = %s", [income_a.pk])

    with pytest.raises(CommandError) as failed:
        call_command("verify_ledger")

    assert failed.value.returncode == 1
    out = capsys.readouterr().out
    assert f"Account #{income_a.pk}" in out
    assert "balance 45.00 but postings sum to 40.00" in out


def test_nightly_task_records_the_check_and_is_scheduled(booked, income_a):
    check_id = ledger_check_nightly.delay().get()
    check = LedgerCheck.objects.get(pk=check_id)
    assert check.ok is True
    assert check.postings_checked == 4

    with connection.cursor() as cursor:
        cursor.execute("UPDATE funds_account SET balance = 1.00 WHERE id = %s", [income_a.pk])
    failed = LedgerCheck.objects.get(pk=ledger_check_nightly.delay().get())
    assert failed.ok is False
    assert failed.problem_count == 1


def test_the_nightly_schedule_is_a_periodic_task_staff_can_edit():
    # A flushing transactional test may have removed the migration's row; apply it again
    # (it is idempotent) and check what it creates.
    schedule = importlib.import_module("funds.migrations.0004_nightly_ledger_check")
    schedule.create(django_apps, None)
    schedule.create(django_apps, None)

    task = PeriodicTask.objects.get(task="funds.tasks.ledger_check_nightly")
    assert (task.crontab.hour, task.crontab.minute) == ("2", "30")
    assert str(task.crontab.timezone) == "Asia/Shanghai"
    assert task.enabled is True
