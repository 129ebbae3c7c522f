"""``python manage.py create_platform_operator --username operator [--email …]`` creates the
platform operator, the installation's only superuser (``seed_demo`` makes none). The password
is read from the ``PLATFORM_OPERATOR_PASSWORD`` environment variable, else asked twice."""

import getpass
import os

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from pooling.accounts.services import platform_operator_create


class Command(BaseCommand):
    help = "Create the platform operator: the only superuser, above every municipality."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--username", required=True)
        parser.add_argument("--email", default="")

    def handle(self, *args, username: str, email: str, **options) -> None:
        password = os.environ.get("PLATFORM_OPERATOR_PASSWORD")
        if not password:
            password = getpass.getpass("Password: ")
            if password != getpass.getpass("Password (again): "):
                raise CommandError("The two passwords differ.")
        try:
            user = platform_operator_create(username=username, email=email, password=password)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        self.stdout.write(self.style.SUCCESS(f"Platform operator {user.username} created."))
