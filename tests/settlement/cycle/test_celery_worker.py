"""The cycle through a real Celery worker on Redis: the chain of step tasks, end to end."""

import os
import time
from decimal import Decimal

import pytest
import redis

from funds.ledger.models import Account, ClosedMonth
from pooling.celery import app
from settlement.cycle import services
from settlement.cycle.models import MonthlyCycle
from tests.factories.settlement import MONTH, balance, collect, open_city

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
