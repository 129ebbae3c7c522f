"""Dated periods: rows in force from ``effective_from`` to ``effective_to`` inclusive (None:
open-ended), such as a county's pooling models and the versions of a rule. A new period
closes the open one on the day before it starts."""

import datetime

from django.db.models import Q

ONE_DAY = datetime.timedelta(days=1)


def in_force(day: datetime.date) -> Q:
    """The periods that contain ``day``."""
    return Q(effective_from__lte=day) & (Q(effective_to__isnull=True) | Q(effective_to__gte=day))


def overlaps(period, start: datetime.date, end: datetime.date | None) -> bool:
    """Whether ``period`` (a row with ``effective_from`` and ``effective_to``) meets
    [start, end] (``end`` None: open-ended)."""
    return (period.effective_to is None or period.effective_to >= start) and (
        end is None or period.effective_from <= end
    )
