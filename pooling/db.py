"""Database helpers shared by the services."""

from collections.abc import Callable
from typing import TypeVar

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

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
