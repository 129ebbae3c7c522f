"""Celery task of the ledger: the nightly check; thin, it calls one service."""

from celery import shared_task

from funds.ledger import services


@shared_task(name="funds.tasks.ledger_check_nightly")
def ledger_check_nightly() -> int:
    """Verify the ledger and record the result (scheduled by migration 0004, editable in the
    admin under Periodic tasks). Returns the LedgerCheck's id."""
    return services.ledger_check_run().pk
