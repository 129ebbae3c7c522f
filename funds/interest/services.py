"""Quarterly interest per fund and account (分别计息, N 三(四); DOMAIN §14).

``interest_quarter_compute`` computes every bank account's interest of a quarter from the
ledger; ``interest_settlement_confirm`` records the bank's figure and books it. The method is
the banks' accumulated-balance method for demand deposits:

1. The quarter runs from the day after the previous settlement date to the settlement date,
   the 20th of March, June, September or December (2025-12-21 … 2026-03-20: 90 days).
2. Each day's end-of-day balance of the account is its postings with an effective date up to
   that day; their sum over the quarter is the accumulated balance (积数), computed set-based
   (``funds.interest.selectors.accumulated_balances``).
3. Interest = accumulated balance × the annual rate in force on the settlement date for the
   account's kind (rules ``interest_rate_income``, ``interest_rate_expenditure``,
   ``interest_rate_fiscal_special``) ÷ 360, half-up to the fen.
4. The clerk enters the bank's figure; the confirmed (bank's) amount is booked on the 21st
   (the banks' interest payment day) as one ``interest`` entry from the bank counterparty of
   the fund to the account — an expenditure account's interest to the holder's fiscal special
   account (DOMAIN §14) — so the final accounts show it as 利息收入.

Accounts: every income, expenditure and fiscal special account of a county, the city level
and the finance bureau in every fund. A rerun of the computation refreshes the figures not yet
confirmed and never touches a confirmed one; a confirmation is booked once (idempotency key
``interest:<account>:<settlement date>``).
"""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from funds.interest.models import INTEREST_WORKFLOW, InterestSettlement
from funds.interest.selectors import accumulated_balances, quarter_start
from funds.ledger.models import Account, JournalEntry
from funds.ledger.services import PostingLine, accounts_open_for_municipality, entry_post
from pooling.accounts.models import User
from pooling.core.audit import audit_record
from pooling.core.money import ZERO, month_start, round_money
from pooling.rules.selectors import rule_value
from pooling.structure.models import Municipality

INTEREST_KINDS = (Account.Kind.INCOME, Account.Kind.EXPENDITURE, Account.Kind.FISCAL_SPECIAL)
INTEREST_OWNERS = (Account.Owner.COUNTY, Account.Owner.CITY, Account.Owner.FINANCE_BUREAU)
DAYS_PER_YEAR = Decimal(360)
FIGURE_FIELDS = ("period_start", "days", "accumulated_balance", "rate", "computed_interest")


def interest_accounts(municipality: Municipality):
    """The accounts that earn interest (module docstring)."""
    return Account.objects.filter(
        municipality=municipality, kind__in=INTEREST_KINDS, owner__in=INTEREST_OWNERS
    ).select_related("fund_type", "county")


def _credited_account(account: Account, accounts: dict[tuple, Account]) -> Account:
    """Where ``account``'s interest is booked: itself, or for an expenditure account the
    fiscal special account of the same holder (a county's own; the finance bureau's for the
    city level)."""
    if account.kind != Account.Kind.EXPENDITURE:
        return account
    owner = Account.Owner.COUNTY if account.county_id else Account.Owner.FINANCE_BUREAU
    return accounts[(account.county_id, owner, Account.Kind.FISCAL_SPECIAL, account.fund_type_id)]


@transaction.atomic(durable=True)
def interest_quarter_compute(
    *, municipality: Municipality, settlement_date: datetime.date, actor: User | None
) -> list[InterestSettlement]:
    """Compute every account's interest of the quarter ending ``settlement_date`` (module
    docstring, steps 1–3) and keep it for confirmation; returns the quarter's rows.

    Accounts with no balance all quarter get no row. Rows already confirmed are left as
    they are; the others take the new figures (a posting dated back into the quarter changes
    them)."""
    start = quarter_start(settlement_date)
    days = (settlement_date - start).days + 1
    accounts = list(interest_accounts(municipality).order_by("pk"))
    by_place = {
        (account.county_id, account.owner, account.kind, account.fund_type_id): account
        for account in accounts
    }
    totals = accumulated_balances(
        account_ids=[account.pk for account in accounts], start=start, end=settlement_date
    )
    existing = {
        row.account_id: row
        for row in InterestSettlement.objects.filter(
            municipality=municipality, settlement_date=settlement_date
        )
        .order_by("pk")
        .select_for_update()
    }
    rates: dict[tuple, Decimal] = {}
    new, changed = [], []
    for account in accounts:
        accumulated = totals.get(account.pk, ZERO)
        row = existing.get(account.pk)
        if accumulated <= 0 or (row and row.status == InterestSettlement.Status.CONFIRMED):
            continue
        place = (account.kind, account.county_id)
        if place not in rates:
            rates[place] = rule_value(
                municipality=municipality,
                key=f"interest_rate_{account.kind}",
                on=settlement_date,
                county=account.county,
            )
        rate = rates[place]
        figures = {
            "period_start": start,
            "days": days,
            "accumulated_balance": accumulated,
            "rate": rate,
            "computed_interest": round_money(accumulated * rate / DAYS_PER_YEAR),
        }
        if row is None:
            new.append(
                InterestSettlement(
                    municipality=municipality,
                    county=account.county,
                    account=account,
                    credited_account=_credited_account(account, by_place),
                    settlement_date=settlement_date,
                    **figures,
                )
            )
        else:
            for field, value in figures.items():
                setattr(row, field, value)
            changed.append(row)
    InterestSettlement.objects.bulk_create(new)
    InterestSettlement.objects.bulk_update(changed, [*FIGURE_FIELDS, "computed_at"])
    rows = list(
        InterestSettlement.objects.filter(
            municipality=municipality, settlement_date=settlement_date
        ).select_related("account", "account__fund_type")
    )
    audit_record(
        actor=actor,
        action="funds.interest_compute",
        instance=municipality,
        after={
            "settlement_date": settlement_date.isoformat(),
            "created": len(new),
            "recomputed": len(changed),
            "computed_total": str(sum((row.computed_interest for row in rows), ZERO)),
        },
        municipality=municipality,
    )
    return rows


def _bank_account(municipality: Municipality, account: Account, actor: User | None) -> Account:
    """The bank counterparty of ``account``'s fund, opened first in a city whose accounts
    were opened before banks were counterparties."""
    place = {
        "municipality": municipality,
        "county": None,
        "owner": Account.Owner.BANK,
        "kind": Account.Kind.COUNTERPARTY,
        "fund_type": account.fund_type,
    }
    bank = Account.objects.filter(**place).first()
    if bank is None:
        accounts_open_for_municipality(municipality=municipality, actor=actor)
        bank = Account.objects.get(**place)
    return bank


@transaction.atomic(durable=True)
def interest_settlement_confirm(
    *, settlement: InterestSettlement, bank_interest: Decimal, actor: User | None
) -> InterestSettlement:
    """Confirm one account's quarter with the bank's figure and book it (module docstring,
    step 4): the bank counterparty of the fund pays ``bank_interest`` into the credited
    account on the day after the settlement date. A zero figure confirms without an entry.
    Refused for a negative figure, a settlement already confirmed (so a double submit books
    once) and, by the ledger, in a closed month."""
    if bank_interest is None or bank_interest < 0:
        raise ValidationError(
            {"bank_interest": _("Enter the interest the bank credited (zero or more).")}
        )
    bank_interest = round_money(bank_interest)
    before = INTEREST_WORKFLOW.transition(
        settlement,
        "confirm",
        actor=actor,
        bank_interest=bank_interest,
        confirmed_by=actor if actor is not None and actor.pk else None,
        confirmed_at=timezone.now(),
    )
    if bank_interest > 0:
        account = settlement.account
        bank = _bank_account(settlement.municipality, account, actor)
        paid_on = settlement.settlement_date + datetime.timedelta(days=1)
        entry = entry_post(
            municipality=settlement.municipality,
            kind=JournalEntry.Kind.INTEREST,
            month=month_start(paid_on),
            effective_date=paid_on,
            memo=f"利息收入 {settlement.settlement_date:%Y-%m-%d} 结息 · {account.name}"[:300],
            actor=actor,
            idempotency_key=f"interest:{account.pk}:{settlement.settlement_date:%Y-%m-%d}",
            lines=[
                PostingLine(account=bank, amount=-bank_interest),
                PostingLine(account=settlement.credited_account, amount=bank_interest),
            ],
            source=settlement,
            source_label=str(settlement)[:200],
        )
        InterestSettlement.objects.filter(pk=settlement.pk).update(entry=entry)
        settlement.entry = entry
    audit_record(
        actor=actor,
        action="funds.interest_confirm",
        instance=settlement,
        before=before,
        municipality=settlement.municipality,
        county=settlement.county,
    )
    return settlement
