"""Celery tasks of the notifications: the daily deadline check of the plans."""

from celery import shared_task
from django.utils import timezone

from pooling.structure.models import Municipality
from settlement.notifications.services import plan_deadlines_check


@shared_task(name="settlement.tasks.plan_deadlines_check_task")
def plan_deadlines_check_task() -> int:
    """Celery beat, every morning: notify whoever is behind in the usage-plan cycle."""
    today = timezone.localdate()
    return sum(
        plan_deadlines_check(municipality=municipality, today=today)
        for municipality in Municipality.objects.order_by("pk")
    )
