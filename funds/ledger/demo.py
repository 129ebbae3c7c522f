"""Demo data of the ledger: every fund's accounts for the city and each member unit."""

from funds.ledger import services
from pooling.structure.demo import DemoOptions, register_seeder
from pooling.structure.models import Municipality


def seed_accounts(municipality: Municipality, options: DemoOptions, log) -> None:
    created = services.accounts_open_for_municipality(municipality=municipality, actor=None)
    log(f"Opened {created} fund accounts" if created else "Fund accounts already open")


register_seeder(20, "fund accounts", seed_accounts)
