"""``python manage.py verify_ledger``: recompute every balance from the postings, print what
differs, exit non-zero on any difference."""

from django.core.management.base import BaseCommand, CommandError

from funds.ledger import services


class Command(BaseCommand):
    help = "Recompute account balances and running balances from postings; fail on differences."

    def handle(self, *args, **options) -> None:
        check = services.ledger_check_run()
        for line in check.report.splitlines():
            self.stdout.write(line)
        if not check.ok:
            raise CommandError(f"The ledger has {check.problem_count} problems.", returncode=1)
