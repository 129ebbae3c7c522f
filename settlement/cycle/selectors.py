"""Reads of the monthly cycle shared by pages and the API."""

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from pooling.accounts.models import User
from pooling.core.access import scope_queryset
from pooling.core.money import month_end, month_has_ended
from settlement.cycle.models import CyclePart, MonthlyCycle, RemittanceLine
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


def cycle_parts_by_step(*, cycle: MonthlyCycle) -> dict[int, list[CyclePart]]:
    """The per-county parts of the cycle's steps, by step id, in county order."""
    parts: dict[int, list[CyclePart]] = {}
    for part in (
        CyclePart.objects.filter(step__cycle=cycle)
        .select_related("county")
        .order_by("step__position", "county__code")
    ):
        parts.setdefault(part.step_id, []).append(part)
    return parts


def cycle_progress(*, cycle: MonthlyCycle) -> dict:
    """The state the progress bar shows: each step with status, figures and live progress;
    a per-county step with each county's part and how many are done."""
    steps = []
    parts_by_step = cycle_parts_by_step(cycle=cycle)
    for step in cycle.steps.order_by("position"):
        live = step_progress(step)
        parts = parts_by_step.get(step.pk, [])
        parts_done = sum(1 for part in parts if part.status == CyclePart.Status.DONE)
        if parts and step.status != "done":
            live = {"done": parts_done, "total": len(parts)}
        steps.append(
            {
                "id": step.pk,
                "name": step.name,
                "label": str(step.get_name_display()),
                "status": step.status,
                "status_label": str(step.get_status_display()),
                "running": live is not None,
                "done": (live or {}).get("done"),
                "total": (live or {}).get("total"),
                "count": step.count,
                "amount": str(step.amount),
                "amount_display": f"{step.amount:,.2f}",
                "error": step.error,
                "started_at": step.started_at.isoformat() if step.started_at else None,
                "finished_at": step.finished_at.isoformat() if step.finished_at else None,
                "parts_done": parts_done,
                "parts_total": len(parts),
                "parts": [
                    {
                        "county": part.county.code,
                        "county_name": part.county.name,
                        "status": part.status,
                        "status_label": str(part.get_status_display()),
                        "count": part.count,
                        "amount": str(part.amount),
                        "error": part.error,
                    }
                    for part in parts
                ],
            }
        )
    finished = sum(1 for step in steps if step["status"] == "done")
    return {
        "cycle": cycle.pk,
        "status": cycle.status,
        "status_label": str(cycle.get_status_display()),
        "percent": round(100 * finished / len(steps)) if steps else 0,
        "steps": steps,
        "waiting": cycle_waiting_reason(cycle=cycle, steps=steps),
    }


def cycle_waiting_reason(*, cycle: MonthlyCycle, steps: list[dict]) -> str:
    """Why an unfinished cycle is not moving and what unblocks it ("" when it is completed
    or a step is running right now), for the cycle page and the progress API."""
    if cycle.status == MonthlyCycle.Status.COMPLETED:
        return ""
    if not month_has_ended(cycle.month):
        return _(
            "%(month)s has not ended: its steps wait until its last day, %(last_day)s. The "
            "month-end schedule starts the cycle that evening; from that day on a failed step "
            "may also be run again here."
        ) % {"month": cycle.month.strftime("%Y-%m"), "last_day": month_end(cycle.month)}
    failed = next((step for step in steps if step["status"] == "failed"), None)
    if failed is not None:
        return _(
            "The step “%(step)s” failed and the steps after it wait: remove the cause shown "
            "in its row, then press “Run again” on that step."
        ) % {"step": failed["label"]}
    if any(step["running"] for step in steps):
        return ""
    waiting = next((step for step in steps if step["status"] != "done"), None)
    if waiting is None:
        return ""
    return _(
        "The step “%(step)s” is queued for the background worker. If it does not start "
        "within a few minutes no worker is running: start the Celery worker, or run "
        "“python manage.py run_cycle --city %(city)s --month %(month)s”, which resumes the "
        "cycle at this step."
    ) % {
        "step": waiting["label"],
        "city": cycle.municipality.slug,
        "month": cycle.month.strftime("%Y-%m"),
    }
