"""Celery tasks of the fund risk early warning: thin, one service call each."""

from celery import shared_task
from django.utils import timezone

from pooling.structure.models import Municipality
from settlement.risk.services import risk_alerts_check


@shared_task(name="settlement.tasks.risk_alerts_check_task")
def risk_alerts_check_task() -> int:
    """Celery beat, every morning: notify each new crossing of a fund risk threshold."""
    today = timezone.localdate()
    return sum(
        risk_alerts_check(municipality=municipality, today=today)
        for municipality in Municipality.objects.order_by("pk")
    )
