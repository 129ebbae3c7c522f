"""Cities with open accounts, collections arriving in county income accounts, and
ledger fingerprints."""

import datetime
from decimal import Decimal

from funds.ledger.models import Account, Posting
from funds.ledger.selectors import account_for
from funds.ledger.services import PostingLine, accounts_open_for_municipality, entry_post
from pooling.structure.demo import seed_structure
from pooling.structure.models import Municipality
from pooling.structure.presets import CITIES

MONTH = datetime.date(2026, 3, 1)


def open_city(slug: str) -> Municipality:
    municipality = seed_structure(CITIES[slug], log=lambda message: None)
    accounts_open_for_municipality(municipality=municipality, actor=None)
    return municipality


def collect(
    municipality: Municipality,
    code: str,
    fund: str,
    amount: str,
    *,
    key: str = "",
    month: datetime.date = MONTH,
):
    """The tax bureau pays ``amount`` of fund ``fund`` into county ``code``'s income account."""
    county = municipality.counties.get(code=code)
    income = account_for(
        municipality=municipality, county=county, kind=Account.Kind.INCOME, fund_code=fund
    )
    tax = account_for(
        municipality=municipality,
        county=county,
        kind=Account.Kind.COUNTERPARTY,
        fund_code=fund,
        owner=Account.Owner.TAX_BUREAU,
    )
    return entry_post(
        municipality=municipality,
        kind="collection",
        month=month,
        effective_date=month.replace(day=20),
        memo="税务征收",
        actor=None,
        idempotency_key=key or f"test-collect:{month:%Y-%m}:{code}:{fund}:{amount}",
        lines=[PostingLine(tax, -Decimal(amount)), PostingLine(income, Decimal(amount))],
    )


def balance(municipality, *, county_code=None, kind, fund, owner=None) -> Decimal:
    county = municipality.counties.get(code=county_code) if county_code else None
    return account_for(
        municipality=municipality, county=county, kind=kind, fund_code=fund, owner=owner
    ).balance


def ledger_fingerprint(municipality) -> list[tuple]:
    """Every posting of the municipality as (key, account, amount, balance after)."""
    return sorted(
        Posting.objects.filter(account__municipality=municipality).values_list(
            "entry__idempotency_key", "account_id", "amount", "balance_after"
        )
    )


def cycle_movements(municipality, month: datetime.date) -> list[tuple]:
    """The cycle's postings of ``month`` without ids: (stage, account, amount), sorted."""
    rows = Posting.objects.filter(
        account__municipality=municipality, entry__month=month, entry__kind="remittance"
    ).values_list(
        "entry__idempotency_key",
        "account__county__code",
        "account__owner",
        "account__kind",
        "account__fund_type__code",
        "amount",
    )
    return sorted((key.split(":")[2], code or "", *rest) for key, code, *rest in rows)
