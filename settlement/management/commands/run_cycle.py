"""``python manage.py run_cycle --city jining --month 2026-01`` runs a month's cycle and prints
each step's figures; it exits non-zero when a step fails. Without a broker (the SQLite quick
start) the steps run in this process; with ``CELERY_BROKER_URL`` set they are queued to the
Celery workers (the per-county parts spread over them) and this command waits for them."""

import time

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from pooling.core.money import parse_month
from pooling.structure.models import Municipality
from settlement.cycle import services
from settlement.cycle.models import CycleStep


class Command(BaseCommand):
    help = "Run the monthly remittance cycle of a city for a month."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--city", required=True, help="jining, jinan or zhengzhou")
        parser.add_argument("--month", required=True, help="YYYY-MM")
        parser.add_argument(
            "--wait",
            type=int,
            default=3600,
            help="with a broker: seconds to wait for the workers to finish the month",
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
                resume=True,
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        where = "on the Celery workers" if on_workers else "in this process"
        self.stdout.write(f"{cycle} ({'new' if created else 'resumed'}, {where})")
        self.stdout.write(f"{'step':<22}{'status':<10}{'count':>10}{'amount':>20}")
        if on_workers:
            outcomes = self._wait(cycle, wait)
        else:
            outcomes = services.cycle_run_all(cycle=cycle, actor=None)
        for outcome in outcomes:
            self.stdout.write(
                f"{outcome.name:<22}{outcome.status:<10}{outcome.count:>10}{outcome.amount:>20}"
            )
            if outcome.error:
                self.stdout.write(self.style.ERROR(f"  {outcome.error}"))
        if any(outcome.status != CycleStep.Status.DONE for outcome in outcomes):
            raise CommandError("The cycle did not finish; fix the error and run it again.")
        self.stdout.write(self.style.SUCCESS("Month closed."))

    @staticmethod
    def _wait(cycle, seconds: int) -> list[services.StepOutcome]:
        """Wait for the workers until the cycle completes or fails (or ``seconds`` pass);
        the steps' outcomes up to the first that is not done."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            cycle.refresh_from_db()
            if cycle.status in ("completed", "failed"):
                break
            time.sleep(0.5)
        outcomes = []
        for step in cycle.steps.order_by("position"):
            outcomes.append(
                services.StepOutcome(step.name, step.status, step.count, step.amount, step.error)
            )
            if step.status != CycleStep.Status.DONE:
                break
        return outcomes
