"""Celery task of historical balances: thin, it calls one service."""

from celery import shared_task

from funds.history import services


@shared_task(name="funds.tasks.historical_deposits_collect")
def historical_deposits_collect() -> int:
    """Collect the city's share of every matured time deposit (N 三(四)5; scheduled daily by
    migration 0007). Idempotent: a rerun books nothing twice. Returns how many were booked."""
    return len(services.time_deposits_collect())
