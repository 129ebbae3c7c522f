"""A county's yearly fund result (当年收支结余) per fund, read from the ledger (N 三(四)6,
J 二(五)2; issue 8 items 2 and 4).

**What counts.** Only the county's *own* accounts (owner ``county``, any kind except
``counterparty``: income, expenditure, fiscal special, historical reserve, personal-account
control). For every entry dated in the year the postings on those accounts are netted per
county and fund, and the entry counts when its kind (for a reversal: the kind of the entry it
reverses) is one of ``RESULT_KINDS``:

- revenue: premium collections and top-ups from the tax bureau into the county's income
  account (``collection``, ``top_up``; ``funds.collections``), interest (``interest``), and the
  positive side of ``transfer`` (the personal-account fund receiving the retirees' monthly
  credit from the pooled fund) and ``refund`` entries;
- spending: benefit payments out of the county's expenditure account or the personal-account
  control account (``benefit_payment``; ``funds.benefits``) and the negative side of
  ``transfer`` (the pooled fund paying the retirees' personal-account credit) and ``refund``.

A positive net of an entry is revenue, a negative net spending; a reversal reduces the side
of the entry it reverses. Left out on purpose: movements between levels and inside the pool
(``remittance``, ``disbursement``, ``allocation``, ``extraction``), subsidies and adjustment
fund movements (``subsidy``, ``adjustment``: they *cover* a result, counting them would erase
the deficit they answer) and opening or historical balances (``opening_balance``: money from
before the cut-over is not the year's result). Movements between two own accounts of one
county in one entry net to zero and so never count.

**Before accession** (J 二(五)2): the part of the result of entries dated before the county's
accession date; a county with no accession date has not joined and its whole result is its own.

One aggregate SQL query (PostgreSQL and SQLite): nets per entry, county and fund, then sums.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection

from funds.models import Account, FundType, JournalEntry, Posting
from pooling.models import County, Municipality
from pooling.money import round_money

ZERO = Decimal("0.00")

RESULT_KINDS: tuple[str, ...] = (
    JournalEntry.Kind.COLLECTION,
    JournalEntry.Kind.TOP_UP,
    JournalEntry.Kind.INTEREST,
    JournalEntry.Kind.BENEFIT_PAYMENT,
    JournalEntry.Kind.TRANSFER,
    JournalEntry.Kind.REFUND,
)


@dataclass(frozen=True)
class YearResult:
    """One county's result of one fund in one year (module docstring says what counts)."""

    county: County
    fund: FundType
    year: int
    revenue: Decimal
    spending: Decimal
    before_accession: Decimal  # the part of the result arising before the accession date

    @property
    def result(self) -> Decimal:
        """Revenue − spending: negative is a deficit."""
        return self.revenue - self.spending

    @property
    def deficit(self) -> Decimal:
        """The shortfall as a positive amount (zero when the year closed with a surplus)."""
        return max(-self.result, ZERO)

    @property
    def deficit_before_accession(self) -> Decimal:
        """The part of the deficit arising before accession, which the county bears alone
        (J 二(五)2): the pre-accession shortfall, at most the whole deficit."""
        return min(max(-self.before_accession, ZERO), self.deficit)


def _money(value) -> Decimal:
    if value is None:
        return ZERO
    if isinstance(value, float):  # SQLite returns REAL sums
        value = repr(value)
    return round_money(value)


def county_year_results(
    *, municipality: Municipality, year: int, county: County | None = None
) -> list[YearResult]:
    """Every (county, fund) of ``municipality`` with a counted movement in ``year``, ordered by
    county code and fund code; only ``county`` when given. One query over postings."""
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    posting = Posting._meta.db_table
    account = Account._meta.db_table
    entry = JournalEntry._meta.db_table
    county_table = County._meta.db_table
    kinds = ", ".join(["%s"] * len(RESULT_KINDS))
    county_filter = "AND a.county_id = %s" if county is not None else ""
    sql = f"""
        WITH nets AS (
            SELECT p.entry_id, a.county_id, p.fund_type_id,
                   CASE WHEN e.kind = %s THEN 1 ELSE 0 END AS is_reversal,
                   CASE WHEN c.accession_date IS NULL OR p.effective_date < c.accession_date
                        THEN 1 ELSE 0 END AS before_accession,
                   SUM(p.amount) AS net
            FROM {posting} p
            JOIN {account} a ON a.id = p.account_id
            JOIN {county_table} c ON c.id = a.county_id
            JOIN {entry} e ON e.id = p.entry_id
            LEFT JOIN {entry} r ON r.id = e.reverses_id
            WHERE a.municipality_id = %s AND a.owner = %s AND a.kind <> %s
              AND p.effective_date >= %s AND p.effective_date <= %s
              AND COALESCE(r.kind, e.kind) IN ({kinds}) {county_filter}
            GROUP BY p.entry_id, a.county_id, p.fund_type_id, e.kind,
                     CASE WHEN c.accession_date IS NULL OR p.effective_date < c.accession_date
                          THEN 1 ELSE 0 END
        )
        SELECT county_id, fund_type_id,
               SUM(CASE WHEN (is_reversal = 0 AND net > 0) OR (is_reversal = 1 AND net < 0)
                        THEN net ELSE 0 END) AS revenue,
               SUM(CASE WHEN (is_reversal = 0 AND net < 0) OR (is_reversal = 1 AND net > 0)
                        THEN -net ELSE 0 END) AS spending,
               SUM(CASE WHEN before_accession = 1 THEN net ELSE 0 END) AS before_accession
        FROM nets
        GROUP BY county_id, fund_type_id
    """
    params: list = [
        JournalEntry.Kind.REVERSAL,
        municipality.pk,
        Account.Owner.COUNTY,
        Account.Kind.COUNTERPARTY,
        start,
        end,
        *[str(kind) for kind in RESULT_KINDS],
    ]
    if county is not None:
        params.append(county.pk)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    counties = {c.pk: c for c in County.objects.filter(pk__in={row[0] for row in rows})}
    funds = {f.pk: f for f in FundType.objects.filter(pk__in={row[1] for row in rows})}
    results = [
        YearResult(
            county=counties[county_id],
            fund=funds[fund_id],
            year=year,
            revenue=_money(revenue),
            spending=_money(spending),
            before_accession=_money(before),
        )
        for county_id, fund_id, revenue, spending, before in rows
    ]
    results.sort(key=lambda item: (item.county.code, item.fund.code))
    return results


def county_year_result(*, county: County, fund: FundType, year: int) -> YearResult:
    """The result of one county and fund (zero when nothing moved)."""
    for result in county_year_results(municipality=county.municipality, year=year, county=county):
        if result.fund.pk == fund.pk:
            return result
    return YearResult(county=county, fund=fund, year=year, revenue=ZERO, spending=ZERO,
                      before_accession=ZERO)  # fmt: skip
