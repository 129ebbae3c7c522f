"""Reads of the quarterly interest: the quarter of a settlement date, the accumulated
balances of accounts over a period (set-based on PostgreSQL), and the settlements a user may
see (N 三(四) 分别计息; DOMAIN §14)."""

import datetime
from collections import defaultdict
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import QuerySet, Sum
from django.utils.translation import gettext as _

from funds.interest.models import InterestSettlement
from funds.ledger.models import Posting
from pooling.accounts.models import User
from pooling.core.access import scope_queryset
from pooling.core.money import ZERO

SETTLEMENT_MONTHS = (3, 6, 9, 12)
SETTLEMENT_DAY = 20


def settlement_date_check(day: datetime.date) -> datetime.date:
    """``day`` when it is a settlement date (the 20th of March, June, September or December),
    else a ValidationError on ``settlement_date`` naming the rule."""
    if day.day != SETTLEMENT_DAY or day.month not in SETTLEMENT_MONTHS:
        raise ValidationError(
            {
                "settlement_date": _(
                    "Banks settle interest on the 20th of March, June, September and "
                    "December; %(day)s is not a settlement date."
                )
                % {"day": day.isoformat()}
            }
        )
    return day


def quarter_start(settlement_date: datetime.date) -> datetime.date:
    """The first day of the quarter that ends on ``settlement_date``: the day after the
    previous settlement date (2026-03-20 → 2025-12-21)."""
    settlement_date_check(settlement_date)
    if settlement_date.month == 3:
        return datetime.date(settlement_date.year - 1, 12, SETTLEMENT_DAY + 1)
    return settlement_date.replace(month=settlement_date.month - 3, day=SETTLEMENT_DAY + 1)


# One statement for all accounts: a row per account and day (generate_series), the day's net
# postings joined to it, the end-of-day balance as the opening balance plus the running sum of
# the days' movements (a window), summed per account.
ACCUMULATED_SQL = """
WITH accounts AS (
    SELECT unnest(%(accounts)s::bigint[]) AS id
), days AS (
    SELECT day::date AS day
    FROM generate_series(%(start)s::date, %(end)s::date, interval '1 day') AS day
), opening AS (
    SELECT a.id, COALESCE(SUM(p.amount), 0) AS amount
    FROM accounts a
    LEFT JOIN funds_posting p ON p.account_id = a.id AND p.effective_date < %(start)s
    GROUP BY a.id
), moves AS (
    SELECT p.account_id, p.effective_date AS day, SUM(p.amount) AS amount
    FROM funds_posting p
    JOIN accounts a ON a.id = p.account_id
    WHERE p.effective_date BETWEEN %(start)s AND %(end)s
    GROUP BY p.account_id, p.effective_date
), daily AS (
    SELECT o.id,
           o.amount + SUM(COALESCE(m.amount, 0)) OVER (
               PARTITION BY o.id ORDER BY d.day) AS balance
    FROM opening o
    CROSS JOIN days d
    LEFT JOIN moves m ON m.account_id = o.id AND m.day = d.day
)
SELECT id, SUM(balance) FROM daily GROUP BY id
"""


def accumulated_balances(
    *, account_ids: list[int], start: datetime.date, end: datetime.date
) -> dict[int, Decimal]:
    """Σ of each account's end-of-day balances from ``start`` to ``end`` (both included), by
    account id. PostgreSQL runs ``ACCUMULATED_SQL``; elsewhere (SQLite keeps decimals as
    floats) ``accumulated_balances_portable`` gives the same figure in Python."""
    if not account_ids:
        return {}
    if connection.vendor != "postgresql":
        return accumulated_balances_portable(account_ids=account_ids, start=start, end=end)
    with connection.cursor() as cursor:
        cursor.execute(ACCUMULATED_SQL, {"accounts": account_ids, "start": start, "end": end})
        return {account_id: Decimal(total) for account_id, total in cursor.fetchall()}


def accumulated_balances_portable(
    *, account_ids: list[int], start: datetime.date, end: datetime.date
) -> dict[int, Decimal]:
    """The same sums in Decimal: each day's balance counts the opening balance once per day
    and each posting once for every day from its effective date to ``end``."""
    days = (end - start).days + 1
    totals: dict[int, Decimal] = defaultdict(lambda: ZERO)
    opening = (
        Posting.objects.filter(account_id__in=account_ids, effective_date__lt=start)
        .values("account_id")
        .annotate(total=Sum("amount"))
    )
    for row in opening:
        totals[row["account_id"]] += Decimal(str(row["total"])) * days
    moves = Posting.objects.filter(
        account_id__in=account_ids, effective_date__range=(start, end)
    ).values_list("account_id", "effective_date", "amount")
    for account_id, day, amount in moves:
        totals[account_id] += Decimal(str(amount)) * ((end - day).days + 1)
    return {account_id: totals.get(account_id, ZERO) for account_id in account_ids}


def interest_settlements_for(*, user: User) -> QuerySet[InterestSettlement]:
    """The settlements ``user`` may see: a county officer their county's accounts only."""
    return scope_queryset(
        InterestSettlement.objects.select_related(
            "account", "account__fund_type", "credited_account", "county", "entry"
        ),
        user,
    )


def interest_settlement_dates_for(*, user: User) -> list[datetime.date]:
    """The settlement dates computed so far, newest first."""
    return list(
        interest_settlements_for(user=user)
        .order_by("-settlement_date")
        .values_list("settlement_date", flat=True)
        .distinct()
    )
