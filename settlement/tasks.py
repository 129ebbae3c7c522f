"""Celery tasks of the monthly cycle: thin, ids in, one service call each."""

import datetime

from celery import chain, shared_task
from django.db import OperationalError
from django.utils import timezone

from pooling.models import Municipality, User
from pooling.money import month_start, next_month
from settlement import services
from settlement.models import STEP_ORDER, MonthlyCycle
from settlement.notifications import plan_deadlines_check
from settlement.risk import risk_alerts_check


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3, acks_late=True)
def cycle_step_task(cycle_id: int, name: str, actor_id: int | None = None) -> str:
    """Run one step; a step that is not yet due (an earlier step failed) does nothing."""
    cycle = MonthlyCycle.objects.get(pk=cycle_id)
    actor = User.objects.filter(pk=actor_id).first() if actor_id else None
    return services.cycle_step_run(cycle=cycle, name=name, actor=actor).status


def cycle_chain(cycle_id: int, actor_id: int | None = None, start: str | None = None):
    """The chain of step tasks from ``start`` (default: the first step) to month close."""
    names = STEP_ORDER[STEP_ORDER.index(start) :] if start else STEP_ORDER
    return chain(cycle_step_task.si(cycle_id, name, actor_id) for name in names)


def cycle_enqueue(cycle_id: int, actor_id: int | None = None, start: str | None = None) -> None:
    cycle_chain(cycle_id, actor_id, start).apply_async()


@shared_task
def month_end_cycles_task() -> list[str]:
    """Celery beat: on a month's last day, start every municipality's cycle for the month.

    The schedule (``settlement-month-end`` in django-celery-beat) is edited by staff; it may
    fire on several days around month end, so the task itself checks the date.
    """
    today = timezone.localdate()
    if next_month(month_start(today)) != today + datetime.timedelta(days=1):
        return []
    started = []
    for municipality in Municipality.objects.order_by("pk"):
        cycle, _created = services.cycle_start(
            municipality=municipality, month=month_start(today), actor=None
        )
        cycle_enqueue(cycle.pk)
        started.append(str(cycle))
    return started


@shared_task
def plan_deadlines_check_task() -> int:
    """Celery beat, every morning: notify whoever is behind in the usage-plan cycle."""
    today = timezone.localdate()
    return sum(
        plan_deadlines_check(municipality=municipality, today=today)
        for municipality in Municipality.objects.order_by("pk")
    )


@shared_task
def risk_alerts_check_task() -> int:
    """Celery beat, every morning: notify each new crossing of a fund risk threshold."""
    today = timezone.localdate()
    return sum(
        risk_alerts_check(municipality=municipality, today=today)
        for municipality in Municipality.objects.order_by("pk")
    )
