"""``python manage.py run_cycle --city jining --month 2026-01`` runs a month's cycle in this
process and prints each step's figures; it exits non-zero when a step fails."""

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

    def handle(self, *args, city: str, month: str, **options) -> None:
        municipality = Municipality.objects.filter(slug=city).first()
        if municipality is None:
            raise CommandError(f"No municipality “{city}”: run seed_demo --city {city} first.")
        try:
            first_day = parse_month(month)
        except ValidationError as error:
            raise CommandError(error.messages[0]) from error
        try:
            cycle, created = services.cycle_start(
                municipality=municipality, month=first_day, actor=None, queue=False
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        self.stdout.write(f"{cycle} ({'new' if created else 'resumed'})")
        self.stdout.write(f"{'step':<22}{'status':<10}{'count':>10}{'amount':>20}")
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
