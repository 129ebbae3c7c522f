"""``python manage.py run_cycle --city jining --month 2026-01`` runs a month's cycle and prints
each step's figures; it exits 1 when a step fails. Without a broker (the SQLite quick start) the
steps run in this process; with ``CELERY_BROKER_URL`` set they are queued to the Celery workers
(the per-county parts spread over them) and this command waits for them (``--wait`` seconds).

Of several runs of one month at once, one does the steps; the others say that another run
holds the month, wait for it (``--wait`` seconds) and exit 0 once the month is complete, 1 if
a step failed, or ``HELD_ELSEWHERE`` (3) if the other run is still working when the wait ends.
"""

import time

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from pooling.core.money import parse_month
from pooling.structure.models import Municipality
from settlement.cycle import services
from settlement.cycle.models import CycleStep, MonthlyCycle

HELD_ELSEWHERE = 3  # exit status: another run still holds the month
POLL_SECONDS = 1


class Command(BaseCommand):
    help = "Run the monthly remittance cycle of a city for a month."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--city", required=True, help="jining, jinan or zhengzhou")
        parser.add_argument("--month", required=True, help="YYYY-MM")
        parser.add_argument(
            "--wait",
            type=int,
            default=3600,
            help="Seconds to wait for the workers, or for another run that holds the month.",
        )

    def handle(self, *args, city: str, month: str, wait: int = 3600, **options) -> None:
        municipality = Municipality.objects.filter(slug=city).first()
        if municipality is None:
            raise CommandError(f"No municipality “{city}”: run seed_demo --city {city} first.")
        try:
            first_day = parse_month(month)
        except ValidationError as error:
            raise CommandError(error.messages[0]) from error
        on_workers = bool(settings.CELERY_BROKER_URL)
        try:
            cycle, created = services.cycle_start(
                municipality=municipality,
                month=first_day,
                actor=None,
                queue=on_workers,
                resume=on_workers,
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        where = "on the Celery workers" if on_workers else "in this process"
        self.stdout.write(f"{cycle} ({'new' if created else 'resumed'}, {where})")
        self.stdout.write(f"{'step':<22}{'status':<10}{'count':>10}{'amount':>20}")
        if on_workers:
            self._wait_for_other_run(cycle, wait)
            self._print(self._outcomes(cycle))
            self.stdout.write(self.style.SUCCESS("Month closed."))
            return
        outcomes = services.cycle_run_all(cycle=cycle, actor=None)
        self._print(outcomes)
        if any(outcome.status == CycleStep.Status.FAILED for outcome in outcomes):
            raise CommandError("The cycle did not finish; fix the error and run it again.")
        if any(outcome.status != CycleStep.Status.DONE for outcome in outcomes):
            self.stdout.write("Another run holds the month; waiting for it to finish.")
            self._wait_for_other_run(cycle, wait)
            self.stdout.write(self.style.SUCCESS("Month closed (by another run)."))
            return
        self.stdout.write(self.style.SUCCESS("Month closed."))

    def _print(self, outcomes: list[services.StepOutcome]) -> None:
        for outcome in outcomes:
            self.stdout.write(
                f"{outcome.name:<22}{outcome.status:<10}{outcome.count:>10}{outcome.amount:>20}"
            )
            if outcome.error:
                self.stdout.write(self.style.ERROR(f"  {outcome.error}"))

    @staticmethod
    def _outcomes(cycle: MonthlyCycle) -> list[services.StepOutcome]:
        """The steps' outcomes as the workers left them."""
        return [
            services.StepOutcome(step.name, step.status, step.count, step.amount, step.error)
            for step in cycle.steps.order_by("position")
        ]

    def _wait_for_other_run(self, cycle: MonthlyCycle, wait: int) -> None:
        """Return once the cycle is complete (run by the workers or by another run); the
        steps' outcomes and CommandError (1) if it failed, or (``HELD_ELSEWHERE``) if it is
        still running after ``wait`` seconds."""
        deadline = time.monotonic() + wait
        while True:
            cycle.refresh_from_db(fields=["status"])
            if cycle.status == MonthlyCycle.Status.COMPLETED:
                return
            if cycle.status == MonthlyCycle.Status.FAILED:
                self._print(self._outcomes(cycle))
                raise CommandError("The cycle did not finish; fix the error and run it again.")
            if time.monotonic() >= deadline:
                raise CommandError(
                    "Another run still holds the month; it was not finished when the wait ended.",
                    returncode=HELD_ELSEWHERE,
                )
            time.sleep(POLL_SECONDS)
