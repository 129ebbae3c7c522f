"""Celery tasks of the monthly cycle: thin, ids in, one service call each. The chain of step
tasks is queued by the services (``cycle_start``, ``cycle_step_rerun``) after their commit."""

import datetime

from celery import chain, shared_task
from django.db import OperationalError
from django.utils import timezone

from pooling.accounts.models import User
from pooling.core.money import month_start, next_month
from pooling.structure.models import Municipality
from settlement.cycle import services
from settlement.cycle.models import STEP_ORDER, MonthlyCycle


@shared_task(
    name="settlement.tasks.cycle_step_task",
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=3,
    acks_late=True,
)
def cycle_step_task(cycle_id: int, name: str, actor_id: int | None = None) -> str:
    """Run one step; a step that is not yet due (an earlier step failed) does nothing."""
    cycle = MonthlyCycle.objects.get(pk=cycle_id)
    actor = User.objects.filter(pk=actor_id).first() if actor_id else None
    return services.cycle_step_run(cycle=cycle, name=name, actor=actor).status


def cycle_steps_enqueue(
    cycle_id: int, actor_id: int | None = None, start: str | None = None
) -> None:
    """Send the chain of step tasks from ``start`` (default: the first step) to month close."""
    names = STEP_ORDER[STEP_ORDER.index(start) :] if start else STEP_ORDER
    chain(cycle_step_task.si(cycle_id, name, actor_id) for name in names).apply_async()


@shared_task(name="settlement.tasks.month_end_cycles_task")
def month_end_cycles_task() -> list[str]:
    """Celery beat: on a month's last day, start every municipality's cycle for the month, or
    resume one started earlier (``cycle_start`` queues it).

    The schedule (``settlement-month-end`` in django-celery-beat) is edited by staff; it may
    fire on several days around month end, so the task itself checks the date.
    """
    today = timezone.localdate()
    if next_month(month_start(today)) != today + datetime.timedelta(days=1):
        return []
    started = []
    for municipality in Municipality.objects.order_by("pk"):
        cycle, _created = services.cycle_start(
            municipality=municipality, month=month_start(today), actor=None, resume=True
        )
        started.append(str(cycle))
    return started
