"""Database helpers shared by the services."""

from collections.abc import Callable
from typing import TypeVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

T = TypeVar("T")


def insert_unique(insert: Callable[[], T], *, taken: ValidationError) -> T:
    """Run ``insert`` so that a unique constraint, not an earlier read, decides a race.

    Services read first to give a clear error in the common case; when two requests pass that
    read at once, the loser's INSERT hits the constraint. Its IntegrityError becomes ``taken``
    (the same field error the read gives) inside a savepoint, so the caller's transaction
    stays usable and nothing half-written remains.
    """
    try:
        with transaction.atomic():
            return insert()
    except IntegrityError as error:
        raise taken from error


def bulk_work_mem() -> None:
    """Let the current transaction's set-based statements sort and hash in memory.

    The monthly statements join and sort millions of rows; with PostgreSQL's default
    ``work_mem`` of 4 MB they spill to temporary files (at 2,000,000 people the assessment
    took 77 s, 54 s with 256 MB). ``settings.BULK_WORK_MEM_MB`` is set for this
    transaction only (``set_config(…, true)`` is ``SET LOCAL``), so the requests that reuse the
    connection keep the server's value. Outside a transaction, and on SQLite, nothing is set.
    """
    megabytes = settings.BULK_WORK_MEM_MB
    if connection.vendor != "postgresql" or not connection.in_atomic_block or megabytes <= 0:
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('work_mem', %s, true)", [f"{megabytes}MB"])
