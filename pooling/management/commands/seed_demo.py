"""``python manage.py seed_demo --city jining`` creates a city's demo; running it twice changes
nothing."""

from django.core.management.base import BaseCommand, CommandParser

from pooling.structure.demo import DemoOptions, demo_users, seed
from pooling.structure.presets import CITIES, DEMO_PASSWORD


class Command(BaseCommand):
    help = "Create a demo municipality with its member units, rules, users and data."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--city", choices=sorted(CITIES), default="jining")
        parser.add_argument(
            "--insured", type=int, default=2000, help="How many insured people to create."
        )

    def handle(self, *args, city: str, insured: int, verbosity: int, **options) -> None:
        def log(message: str) -> None:
            if verbosity >= 1:
                self.stdout.write(message)

        seed(DemoOptions(city=city, insured=insured), log)
        self.stdout.write(self.style.SUCCESS(f"Demo logins for {city} (password {DEMO_PASSWORD}):"))
        for spec in demo_users(CITIES[city]):
            self.stdout.write(f"  {spec['username']:<22} {spec['role']}")
