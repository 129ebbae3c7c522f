"""Builders of ledger data and short-hands."""

import datetime
from decimal import Decimal

from funds.ledger.models import Account

JAN = datetime.date(2026, 1, 1)
FEB = datetime.date(2026, 2, 1)
POOLED = "310100"
RESIDENT = "390100"


def balance(account: Account) -> Decimal:
    account.refresh_from_db(fields=["balance"])
    return account.balance
