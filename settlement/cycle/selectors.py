"""Reads of the monthly cycle shared by pages and the API."""

from django.db.models import QuerySet

from pooling.accounts.models import User
from pooling.core.access import scope_queryset
from settlement.cycle.models import MonthlyCycle, RemittanceLine
from settlement.cycle.services import step_progress


def cycles_for(*, user: User) -> QuerySet[MonthlyCycle]:
    return scope_queryset(
        MonthlyCycle.objects.select_related("municipality", "started_by"),
        user,
        county_field=None,
        municipality_field="municipality",
    )


def remittance_lines_for(*, user: User) -> QuerySet[RemittanceLine]:
    """Lines of the user's municipality; a county officer sees their county's only."""
    return scope_queryset(
        RemittanceLine.objects.select_related(
            "cycle", "county", "fund_type", "from_account", "to_account", "entry"
        ),
        user,
        county_field="county",
        municipality_field="cycle__municipality",
    )


def cycle_progress(*, cycle: MonthlyCycle) -> dict:
    """The state the progress bar shows: each step with status, figures and live progress."""
    steps = []
    for step in cycle.steps.order_by("position"):
        live = step_progress(step)
        steps.append(
            {
                "id": step.pk,
                "name": step.name,
                "label": str(step.get_name_display()),
                "status": step.status,
                "running": live is not None,
                "done": (live or {}).get("done"),
                "total": (live or {}).get("total"),
                "count": step.count,
                "amount": str(step.amount),
                "error": step.error,
                "started_at": step.started_at.isoformat() if step.started_at else None,
                "finished_at": step.finished_at.isoformat() if step.finished_at else None,
            }
        )
    finished = sum(1 for step in steps if step["status"] == "done")
    return {
        "cycle": cycle.pk,
        "status": cycle.status,
        "percent": round(100 * finished / len(steps)) if steps else 0,
        "steps": steps,
    }
