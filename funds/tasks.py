"""Celery tasks of the funds app: thin, they call one service."""

from celery import shared_task

from funds import services


@shared_task(name="funds.tasks.ledger_check_nightly")
def ledger_check_nightly() -> int:
    """Verify the ledger and record the result (scheduled by migration 0004, editable in the
    admin under Periodic tasks). Returns the LedgerCheck's id."""
    return services.ledger_check_run().pk


@shared_task(name="funds.tasks.historical_deposits_collect")
def historical_deposits_collect() -> int:
    """Collect the city's share of every matured time deposit (N 三(四)5; scheduled daily by
    migration 0007). Idempotent: a rerun books nothing twice. Returns how many were booked."""
    from funds import history

    return len(history.time_deposits_collect())
