"""The cycle through a real Celery worker on Redis: the chain of step tasks, end to end."""

import datetime
import os
import signal
import subprocess
import sys
import time
from decimal import Decimal

import kombu.pools
import psycopg2
import pytest
import redis
from django.conf import settings
from django.db import connection

from funds.ledger.models import Account, ClosedMonth, JournalEntry
from funds.ledger.selectors import account_for, ledger_verify
from pooling.celery import app
from settlement.cycle import services
from settlement.cycle.models import CyclePart, MonthlyCycle, StepName
from tests.factories.settlement import MONTH, balance, collect, cycle_movements, open_city

APRIL = datetime.date(2026, 4, 1)

BROKER = os.environ.get("CELERY_TEST_BROKER_URL", "redis://127.0.0.1:6379/2")


def _redis_up() -> bool:
    try:
        return redis.Redis.from_url(BROKER, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        return False


pytestmark = [
    pytest.mark.celery_worker,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not _redis_up(), reason=f"Redis is not running at {BROKER}"),
]


@pytest.fixture
def celery_worker():
    from celery.contrib.testing.worker import start_worker

    previous = {
        "broker_url": app.conf.broker_url,
        "task_always_eager": app.conf.task_always_eager,
    }
    _reset_connections()
    app.conf.update(broker_url=BROKER, task_always_eager=False)
    redis.Redis.from_url(BROKER).flushdb()
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30) as worker:
        yield worker
    app.conf.update(**previous)
    _reset_connections()


def _reset_connections() -> None:
    """Forget pooled broker connections made under the in-process (eager) configuration, so
    producers connect to the broker this test configures."""
    if app._pool is not None:
        app._pool.force_close_all()
        app._pool = None
    app.amqp._producer_pool = None
    kombu.pools.reset()  # the process-wide producer pools, keyed by connection


def test_the_cycle_runs_through_a_real_worker_and_balances_to_the_fen(celery_worker):
    municipality = open_city("jining")
    collect(municipality, "370811", "310100", "1234.56")
    collect(municipality, "370883", "310200", "78.91")
    # cycle_start queues the chain of step tasks once its transaction commits.
    cycle, _created = services.cycle_start(municipality=municipality, month=MONTH, actor=None)

    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        cycle.refresh_from_db()
        if cycle.status in (MonthlyCycle.Status.COMPLETED, MonthlyCycle.Status.FAILED):
            break
        time.sleep(0.2)
    assert cycle.status == MonthlyCycle.Status.COMPLETED, list(
        cycle.steps.values_list("name", "status", "error")
    )
    assert balance(municipality, kind=Account.Kind.FISCAL_SPECIAL, fund="310100") == Decimal(
        "1234.56"
    )
    assert balance(municipality, kind=Account.Kind.FISCAL_SPECIAL, fund="310200") == Decimal(
        "78.91"
    )
    assert balance(
        municipality, county_code="370811", kind=Account.Kind.INCOME, fund="310100"
    ) == Decimal("0.00")
    assert ClosedMonth.objects.filter(municipality=municipality, month=MONTH).exists()


# --- A worker killed in the middle of a county's part ----------------------------------------


def _database_url() -> str:
    database = connection.settings_dict
    password = f":{database['PASSWORD']}" if database["PASSWORD"] else ""
    return (
        f"postgres://{database['USER']}{password}@{database['HOST'] or '127.0.0.1'}:"
        f"{database['PORT'] or 5432}/{database['NAME']}"
    )


def _start_worker(log_path) -> subprocess.Popen:
    """A real ``celery worker`` process (prefork, two children) on the test database, in a
    process group of its own so that it can be killed whole."""
    environment = {**os.environ, "CELERY_BROKER_URL": BROKER, "DATABASE_URL": _database_url()}
    with open(log_path, "ab") as log:
        return subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "pooling",
                "worker",
                "-P",
                "prefork",
                "-c",
                "2",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "-l",
                "info",
            ],
            cwd=settings.BASE_DIR,
            env=environment,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def _kill(worker: subprocess.Popen) -> None:
    if worker.poll() is None:
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(timeout=30)


def _wait_for(predicate, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def _blocked_backends() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
            " AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0]


def _collections(municipality, month) -> None:
    collect(municipality, "370811", "310100", "1000.10", month=month)
    collect(municipality, "370883", "310100", "66.66", month=month)
    collect(municipality, "370883", "910100", "12.34", month=month)


@pytest.fixture
def broker_producer():
    """This process sends tasks to the test broker (the workers are separate processes)."""
    previous = {
        "broker_url": app.conf.broker_url,
        "task_always_eager": app.conf.task_always_eager,
    }
    _reset_connections()
    app.conf.update(broker_url=BROKER, task_always_eager=False)
    redis.Redis.from_url(BROKER).flushdb()
    yield
    app.conf.update(**previous)
    _reset_connections()


@pytest.mark.slow
@pytest.mark.skipif(connection.vendor != "postgresql", reason="separate worker processes")
def test_a_worker_killed_mid_part_then_resumed_gives_the_one_shot_ledger(broker_producer, tmp_path):
    municipality = open_city("jining")
    _collections(municipality, MONTH)
    one_shot, _created = services.cycle_start(
        municipality=municipality, month=MONTH, actor=None, queue=False
    )
    assert services.cycle_run_all(cycle=one_shot, actor=None)[-1].status == "done"
    clean = cycle_movements(municipality, MONTH)
    _collections(municipality, APRIL)
    # Zoucheng's remittance part will wait on the city's 910100 income account, held here.
    held = account_for(
        municipality=municipality, county=None, kind=Account.Kind.INCOME, fund_code="910100"
    )
    blocker = psycopg2.connect(_database_url())
    worker = _start_worker(tmp_path / "worker.log")
    try:
        with blocker.cursor() as cursor:
            # NO KEY UPDATE, as a posting's lock: foreign-key checks (FOR KEY SHARE) still pass.
            cursor.execute(
                "SELECT id FROM funds_account WHERE id = %s FOR NO KEY UPDATE", [held.pk]
            )
        cycle, _created = services.cycle_start(municipality=municipality, month=APRIL, actor=None)
        _wait_for(lambda: _blocked_backends() > 0, 180, "a part waiting on the held account")
        remittance = cycle.steps.get(name=StepName.REMITTANCE)

        _kill(worker)  # mid-part: Zoucheng's transaction is open, nothing of it committed
        blocker.rollback()
        with connection.cursor() as cursor:  # what PostgreSQL does once it sees the client gone
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )

        zoucheng = remittance.parts.get(county__code="370883")
        assert zoucheng.status == CyclePart.Status.PENDING
        assert remittance.parts.get(county__code="370811").status == CyclePart.Status.DONE
        posted = JournalEntry.objects.filter(
            municipality=municipality, month=APRIL, kind="remittance"
        )
        assert posted.count() == 1  # Rencheng's line; none of Zoucheng's
        cycle.refresh_from_db()
        assert cycle.status == MonthlyCycle.Status.RUNNING

        worker = _start_worker(tmp_path / "worker.log")
        services.cycle_start(municipality=municipality, month=APRIL, actor=None, resume=True)
        _wait_for(
            lambda: (
                MonthlyCycle.objects.get(pk=cycle.pk).status
                in (MonthlyCycle.Status.COMPLETED, MonthlyCycle.Status.FAILED)
            ),
            240,
            "the resumed cycle",
        )
    finally:
        _kill(worker)
        blocker.close()

    cycle.refresh_from_db()
    assert cycle.status == MonthlyCycle.Status.COMPLETED, list(
        cycle.steps.values_list("name", "status", "error")
    )
    assert cycle_movements(municipality, APRIL) == clean
    assert ClosedMonth.objects.filter(municipality=municipality, month=APRIL).exists()
    assert ledger_verify(municipality=municipality).ok
    assert not cycle.lines.filter(entry__isnull=True).exists()
