"""``python manage.py benchmark_assessment --insured 200000`` times the monthly assessment.

It seeds the city's structure, generates the people set-based (as the demo does), then
assesses one month and prints seconds and rows per second. Run it on PostgreSQL, on a
database made for it: the people stay.
"""

import datetime
import time

from django.core.management.base import BaseCommand, CommandParser
from django.db import connection

from enrollment.contributions import services
from enrollment.contributions.models import Assessment
from enrollment.people.demo import demo_population_create
from pooling.structure.demo import seed_structure
from pooling.structure.presets import CITIES


class Command(BaseCommand):
    help = "Time the set-based monthly assessment over N insured people."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--insured", type=int, default=200_000)
        parser.add_argument("--city", choices=sorted(CITIES), default="jining")
        parser.add_argument("--month", default="2026-01", help="YYYY-MM to assess")

    def handle(self, *args, insured: int, city: str, month: str, **options) -> None:
        assessed_month = datetime.date.fromisoformat(f"{month}-01")
        municipality = seed_structure(CITIES[city], log=lambda message: None)
        started = time.perf_counter()
        added = demo_population_create(
            municipality=municipality,
            insured=insured,
            from_month=assessed_month.replace(month=1),
            log=lambda message: None,
        )
        self.stdout.write(f"Generated {added} people in {time.perf_counter() - started:.1f} s")
        Assessment.objects.filter(municipality=municipality, month=assessed_month).delete()
        started = time.perf_counter()
        result = services.assessment_run(
            municipality=municipality, month=assessed_month, actor=None
        )
        seconds = time.perf_counter() - started
        self.stdout.write(
            f"Assessed {result.created} rows for {assessed_month:%Y-%m} on {connection.vendor} "
            f"in {seconds:.2f} s ({result.created / seconds:,.0f} rows/s)"
        )
