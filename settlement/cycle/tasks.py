"""Celery tasks of the monthly cycle: thin, ids in, one service call each. The chain of step
tasks is queued by the services (``cycle_start``, ``cycle_step_rerun``) after their commit.

A per-county step (``services.PARTITIONED_STEPS``) ends the chain with ``cycle_parts_task``,
which sends the step's parts as a group (one ``cycle_part_task`` per county, on any worker);
the part that completes the step queues the chain of the steps after it
(``services.cycle_step_join``)."""

import datetime

from celery import chain, group, shared_task
from django.db import OperationalError
from django.utils import timezone

from pooling.accounts.models import User
from pooling.core.money import month_start, next_month
from pooling.structure.models import Municipality
from settlement.cycle import services
from settlement.cycle.models import STEP_ORDER, CyclePart, CycleStep, MonthlyCycle


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


@shared_task(
    name="settlement.tasks.cycle_parts_task",
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=3,
    acks_late=True,
)
def cycle_parts_task(cycle_id: int, name: str, actor_id: int | None = None) -> int:
    """Send the parts of a per-county step still to run as a group; when none is left (a
    resumed cycle), join them at once. Returns how many parts were sent."""
    step = CycleStep.objects.select_related("cycle").get(cycle_id=cycle_id, name=name)
    actor = User.objects.filter(pk=actor_id).first() if actor_id else None
    if step.status == CycleStep.Status.DONE:
        following = STEP_ORDER.index(name) + 1
        if following < len(STEP_ORDER):
            cycle_steps_enqueue(cycle_id, actor_id, STEP_ORDER[following])
        return 0
    parts = services.cycle_parts_prepare(step=step)
    if not parts:
        services.cycle_step_join(step=step, actor=actor)
        return 0
    group(cycle_part_task.si(part.pk, actor_id) for part in parts).apply_async()
    return len(parts)


@shared_task(
    name="settlement.tasks.cycle_part_task",
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=3,
    acks_late=True,
)
def cycle_part_task(part_id: int, actor_id: int | None = None, go_on: bool = True) -> str:
    """Run one county's part of a step, then join the step (the last part finishes it and,
    with ``go_on``, queues the steps after it)."""
    part = CyclePart.objects.select_related("step__cycle__municipality", "county").get(pk=part_id)
    actor = User.objects.filter(pk=actor_id).first() if actor_id else None
    part = services.cycle_part_run(part=part, actor=actor)
    services.cycle_step_join(step=part.step, actor=actor, queue=go_on)
    return part.status


def cycle_steps_enqueue(
    cycle_id: int, actor_id: int | None = None, start: str | None = None
) -> None:
    """Send the chain of step tasks from ``start`` (default: the first step) up to the next
    per-county step, which ends it (``cycle_parts_task``)."""
    names = STEP_ORDER[STEP_ORDER.index(start) :] if start else STEP_ORDER
    tasks = []
    for name in names:
        if name in services.PARTITIONED_STEPS:
            tasks.append(cycle_parts_task.si(cycle_id, name, actor_id))
            break
        tasks.append(cycle_step_task.si(cycle_id, name, actor_id))
    chain(tasks).apply_async()


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
