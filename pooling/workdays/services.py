"""Writes to the working-day calendar: staff-entered overrides of single days. Each service
owns its transaction and records an audit event."""

import datetime

from django.db import transaction

from pooling.accounts.models import User
from pooling.core.audit import audit_record, snapshot
from pooling.workdays.models import CalendarOverride


@transaction.atomic(durable=True)
def calendar_override_set(
    *, date: datetime.date, is_workday: bool, actor: User, note: str = ""
) -> CalendarOverride:
    """Enter or change one day of the working-day calendar."""
    existing = CalendarOverride.objects.select_for_update().filter(date=date).first()
    before = snapshot(existing)
    override, _created = CalendarOverride.objects.update_or_create(
        date=date, defaults={"is_workday": is_workday, "note": note}
    )
    audit_record(actor=actor, action="calendar.set", instance=override, before=before)
    return override


@transaction.atomic(durable=True)
def calendar_override_delete(*, override: CalendarOverride, actor: User) -> None:
    """Remove an override, so the package's calendar applies to that day again."""
    before = snapshot(override)
    audit_record(actor=actor, action="calendar.delete", instance=override, before=before, after={})
    override.delete()
