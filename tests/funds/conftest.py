"""Fixtures of the ledger tests: Jining with every account open, and short-hands."""

import datetime
from decimal import Decimal

import pytest
from django.utils import translation

from funds.ledger import services
from funds.ledger.models import Account
from funds.ledger.selectors import account_for
from funds.ledger.services import PostingLine

JAN = datetime.date(2026, 1, 1)
FEB = datetime.date(2026, 2, 1)
POOLED = "310100"
RESIDENT = "390100"


@pytest.fixture(autouse=True)
def _english_messages():
    """Service messages are asserted in English (their msgids); pages still negotiate the
    language per request."""
    with translation.override("en"):
        yield


@pytest.fixture
def ledger(jining):
    """Jining with the accounts of every fund open for the city and each member unit."""
    services.accounts_open_for_municipality(municipality=jining, actor=None)
    return jining


@pytest.fixture
def tax_a(ledger, county_a) -> Account:
    """County A's tax-bureau counterparty in the pooled fund: collections come from it."""
    return account_for(
        municipality=ledger,
        county=county_a,
        kind=Account.Kind.COUNTERPARTY,
        fund_code=POOLED,
        owner=Account.Owner.TAX_BUREAU,
    )


@pytest.fixture
def income_a(ledger, county_a) -> Account:
    return account_for(
        municipality=ledger, county=county_a, kind=Account.Kind.INCOME, fund_code=POOLED
    )


@pytest.fixture
def income_b(ledger, county_b) -> Account:
    return account_for(
        municipality=ledger, county=county_b, kind=Account.Kind.INCOME, fund_code=POOLED
    )


@pytest.fixture
def tax_b(ledger, county_b) -> Account:
    return account_for(
        municipality=ledger,
        county=county_b,
        kind=Account.Kind.COUNTERPARTY,
        fund_code=POOLED,
        owner=Account.Owner.TAX_BUREAU,
    )


@pytest.fixture
def city_income(ledger) -> Account:
    return account_for(municipality=ledger, county=None, kind=Account.Kind.INCOME, fund_code=POOLED)


@pytest.fixture
def post(ledger):
    """``post(key, (account, "amount"), …)`` posts a collection in January 2026."""

    def make(key: str, *lines, month=JAN, kind="collection", memo="", actor=None):
        return services.entry_post(
            municipality=ledger,
            kind=kind,
            month=month,
            effective_date=month + datetime.timedelta(days=9),
            memo=memo,
            actor=actor,
            idempotency_key=key,
            lines=[
                PostingLine(account=account, amount=Decimal(amount)) for account, amount in lines
            ],
        )

    return make


def balance(account: Account) -> Decimal:
    account.refresh_from_db(fields=["balance"])
    return account.balance
