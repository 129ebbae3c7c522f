"""``python manage.py simulate_year --city jining --year 2025 [--insured 300]`` runs a whole
year through the product's services (``settlement.simulation``): the city structure, a small
population, twelve months of assessment, collections, usage plans, benefits and the monthly
cycle, then the year end and the checks. It prints a summary table and exits non-zero when a
step or a check fails. Running it again for the same year books nothing and checks again.
Only a year that has ended can be simulated."""

from django.core.management.base import BaseCommand, CommandError, CommandParser

from pooling.structure.demo import seed_structure
from pooling.structure.presets import CITIES
from settlement.simulation.services import SimulationError, simulation_year_run


class Command(BaseCommand):
    help = "Simulate a year of a city end to end and check the ledger and the final accounts."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--city", required=True, choices=sorted(CITIES))
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--insured", type=int, default=300, help="People to enroll.")

    def handle(self, *args, city: str, year: int, insured: int, verbosity: int, **options):
        if insured < 1:
            raise CommandError("--insured must be at least 1.")

        def log(message: str) -> None:
            if verbosity >= 2:
                self.stdout.write(message)

        municipality = seed_structure(CITIES[city], log)
        try:
            result = simulation_year_run(
                municipality=municipality, year=year, insured=insured, log=log
            )
        except SimulationError as error:
            raise CommandError(f"Simulation failed: {error}") from error
        out = self.stdout.write
        out(f"{municipality.name} {year}")
        out(
            f"{'month':<8} {'assessed':>9} {'collected':>15} {'planned':>14} "
            f"{'own funds':>14} {'benefits paid':>14}"
        )
        for month in result.months:
            if month.skipped:
                out(f"{month.month:%Y-%m}  already run, nothing booked")
                continue
            out(
                f"{month.month:%Y-%m}  {month.assessed:>9} {month.collected:>15} "
                f"{month.planned:>14} {month.own_disbursed:>14} {month.paid:>14}"
            )
        for line in result.year_end:
            out(f"year end: {line}")
        for name, value in result.figures.items():
            out(f"{name:<20} {value:>16}")
        for name, passed in result.checks.items():
            out(f"{'OK    ' if passed else 'FAILED'} {name}")
        for problem in result.problems:
            out(f"  {problem}")
        if not result.ok:
            raise CommandError("The simulated year does not check out.")
        self.stdout.write(self.style.SUCCESS("All checks passed."))
