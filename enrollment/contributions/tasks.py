"""Celery tasks of contributions: thin wrappers around one service each."""

import datetime

from celery import shared_task

from enrollment.contributions import services
from pooling.accounts.models import User
from pooling.structure.models import Municipality


@shared_task(name="enrollment.tasks.assessment_run_task")
def assessment_run_task(municipality_id: int, month: str, actor_id: int | None = None) -> int:
    """Assess ``month`` (ISO date of its first day); a rerun adds nothing."""
    municipality = Municipality.objects.get(pk=municipality_id)
    actor = User.objects.filter(pk=actor_id).first() if actor_id else None
    result = services.assessment_run(
        municipality=municipality, month=datetime.date.fromisoformat(month), actor=actor
    )
    return result.created
