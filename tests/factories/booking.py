"""Builders of collection postings."""

import datetime

from enrollment.personal_accounts.models import PersonalAccountMovement
from funds.ledger.models import Account, JournalEntry
from funds.ledger.selectors import account_for

D = datetime.date
MONTH = D(2024, 6, 1)
ON = D(2024, 6, 28)


def booking_account(city, county, fund, kind=Account.Kind.INCOME, owner=None):
    return account_for(municipality=city, county=county, kind=kind, fund_code=fund, owner=owner)


def tax_account(city, county, fund):
    return booking_account(city, county, fund, Account.Kind.COUNTERPARTY, Account.Owner.TAX_BUREAU)


def control_account(city, county):
    return booking_account(city, county, "310200", Account.Kind.PERSONAL_ACCOUNT_CONTROL)


def ledger_state():
    return (
        JournalEntry.objects.count(),
        sorted(Account.objects.exclude(balance=0).values_list("pk", "balance")),
        PersonalAccountMovement.objects.count(),
    )
