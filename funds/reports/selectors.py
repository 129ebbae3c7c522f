"""Final accounts (决算), revenue/expenditure statements and each county's yearly result,
derived from the ledger (财社〔2017〕144号 arts. 39–42, N 三(四)6, DOMAIN §11).

**Accounting entities.** Each fund is its own book, and inside one fund every county and the
city level is an accounting entity. An entity's *own* accounts are its income, expenditure,
fiscal special, historical reserve, personal-account control and adjustment-fund accounts
(owner ``county`` for a county; owners ``city`` and ``finance_bureau`` for the city level).
Counterparties (tax bureau, institutions, governments, clearing) are outside every entity.
A movement between two own accounts of one entity (income → fiscal special, fiscal special →
expenditure) is neither income nor expenditure: it nets to zero inside the entity.

**The mapping (the one place it is written down).** For every entry, the postings on an
entity's own accounts are summed; a positive net is income of the entity, a negative net is
expenditure. The line is chosen by ``line_for``:

1. *Inter-level flows.* When the same entry moves money between the city level and a county,
   the county's income is 上级补助收入 (``grant_from_higher``) and its expenditure 上解上级支出
   (``remittance_to_higher``); the city's income is 下级上解收入 (``remittance_from_lower``)
   and its expenditure 补助下级支出 (``grant_to_lower``). This covers the monthly remittance,
   the usage-plan allocation, adjustment-fund extractions and grants, whatever their kind.
2. Otherwise by the entry kind (``KIND_LINES``): collections and top-ups are premiums,
   interest is interest, subsidies are fiscal subsidy, benefit payments are benefits,
   transfers (retiree personal-account credits across funds) are transfers out/in; anything
   else (opening balances, refunds, adjustments with outside parties) is other income or
   other expenditure.
3. A reversal takes the line of the entry it reverses and enters it with the opposite sign,
   so a reversed benefit payment reduces benefit expenditure instead of showing as income.

**City total.** The city total adds every county and the city level, then eliminates the
inter-level lines: 补助下级支出 against 上级补助收入 and 上解上级支出 against 下级上解收入.
Both sides of each pair are the same money, so the elimination column takes each line's sum
out; ``unmatched`` reports any pair that does not cancel (it is zero for a consistent ledger).

**The check.** opening balance + income − expenditure = closing balance for every entity,
where opening and closing are the sums of the entity's own postings before and through the
period. Lines are computed per entry and balances per posting, so a mapping that dropped or
double-counted money would show here.

**A county's yearly result** (当年收支结余, ``county_year_results``; N 三(四)6, J 二(五)2),
which the deficit subsidies and the targets read. Only the county's *own* accounts count
(owner ``county``, any kind except ``counterparty``). For every entry dated in the year the
postings on those accounts are netted per county and fund, and the entry counts when its kind
(for a reversal: the kind of the entry it reverses) is one of ``RESULT_KINDS``:

- revenue: premium collections and top-ups from the tax bureau into the county's income
  account (``collection``, ``top_up``), interest (``interest``), and the positive side of
  ``transfer`` (the personal-account fund receiving the retirees' monthly credit from the
  pooled fund) and ``refund`` entries;
- spending: benefit payments out of the county's expenditure account or the personal-account
  control account (``benefit_payment``) and the negative side of ``transfer`` (the pooled
  fund paying the retirees' personal-account credit) and ``refund``.

A positive net of an entry is revenue, a negative net spending; a reversal reduces the side of
the entry it reverses. Left out on purpose: movements between levels and inside the pool
(``remittance``, ``disbursement``, ``allocation``, ``extraction``), subsidies and
adjustment-fund movements (``subsidy``, ``adjustment``: they *cover* a result, counting them
would erase the deficit they answer) and opening or historical balances (``opening_balance``:
money from before the cut-over is not the year's result). *Before accession* (J 二(五)2) is
the part of the result of entries dated before the county's accession date; a county with no
accession date has not joined and its whole result is its own.

Reads are aggregate SQL over postings (one query for the lines, one for the balances, one for
the yearly results) that runs on PostgreSQL and SQLite; Python only assembles the aggregated
rows.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from funds.budgets.models import INCOME_LINES, BudgetLineCode
from funds.ledger.models import Account, FundType, JournalEntry, Posting
from pooling.accounts.models import Role, User
from pooling.core.exports import xlsx_row
from pooling.core.money import ZERO, round_money
from pooling.structure.models import County, Municipality
from pooling.structure.selectors import counties_for

CITY_LEVEL = "city"


# Own accounts of an entity (module docstring): not counterparties, held by a county or by the
# city level (the city's own accounts and the finance bureau's fiscal special account).
OWN_OWNERS = (Account.Owner.COUNTY, Account.Owner.CITY, Account.Owner.FINANCE_BUREAU)


# Rule 2 of the mapping: kind → (income line, expenditure line).
KIND_LINES: dict[str, tuple[str, str]] = {
    JournalEntry.Kind.COLLECTION: (BudgetLineCode.PREMIUMS, BudgetLineCode.OTHER_EXPENDITURE),
    JournalEntry.Kind.TOP_UP: (BudgetLineCode.PREMIUMS, BudgetLineCode.OTHER_EXPENDITURE),
    JournalEntry.Kind.INTEREST: (BudgetLineCode.INTEREST, BudgetLineCode.OTHER_EXPENDITURE),
    JournalEntry.Kind.SUBSIDY: (BudgetLineCode.FISCAL_SUBSIDY, BudgetLineCode.OTHER_EXPENDITURE),
    JournalEntry.Kind.BENEFIT_PAYMENT: (BudgetLineCode.OTHER_INCOME, BudgetLineCode.BENEFITS),
    JournalEntry.Kind.TRANSFER: (BudgetLineCode.TRANSFER_IN, BudgetLineCode.TRANSFER_OUT),
}
OTHER_LINES = (BudgetLineCode.OTHER_INCOME, BudgetLineCode.OTHER_EXPENDITURE)


# Rule 1: (level, is income) → line, for flows between the city level and a county.
INTER_LEVEL_LINES: dict[tuple[str, bool], str] = {
    ("county", True): BudgetLineCode.GRANT_FROM_HIGHER,
    ("county", False): BudgetLineCode.REMITTANCE_TO_HIGHER,
    (CITY_LEVEL, True): BudgetLineCode.REMITTANCE_FROM_LOWER,
    (CITY_LEVEL, False): BudgetLineCode.GRANT_TO_LOWER,
}


# The pairs the city total eliminates: (city line, county line).
ELIMINATED_PAIRS: tuple[tuple[str, str], ...] = (
    (BudgetLineCode.GRANT_TO_LOWER, BudgetLineCode.GRANT_FROM_HIGHER),
    (BudgetLineCode.REMITTANCE_FROM_LOWER, BudgetLineCode.REMITTANCE_TO_HIGHER),
)

INCOME_ORDER: tuple[str, ...] = tuple(code for code in BudgetLineCode if code in INCOME_LINES)
EXPENDITURE_ORDER: tuple[str, ...] = tuple(
    code for code in BudgetLineCode if code not in INCOME_LINES
)


# Expenditure that is spending in the sense of the risk warning: money leaving the pool for
# the insured, not money passed up to the higher level (settlement.risk).
SPENDING_LINES = frozenset(EXPENDITURE_ORDER) - {BudgetLineCode.REMITTANCE_TO_HIGHER}


def line_for(*, kind: str, reversed_kind: str, level: str, inter_level: bool, net: Decimal) -> str:
    """The budget line of an entity's net ``net`` in one entry (the mapping, module docstring).

    ``level`` is ``"county"`` or ``"city"``; ``inter_level`` whether the entry also moved money
    on the other level's own accounts; for a reversal ``reversed_kind`` is the kind of the
    entry it reverses and the direction is read with the opposite sign.
    """
    is_reversal = kind == JournalEntry.Kind.REVERSAL
    effective_kind = reversed_kind if is_reversal and reversed_kind else kind
    is_income = (net > 0) != is_reversal
    if inter_level:
        return INTER_LEVEL_LINES[(level, is_income)]
    income_line, expenditure_line = KIND_LINES.get(effective_kind, OTHER_LINES)
    return income_line if is_income else expenditure_line


@dataclass
class EntityAccounts:
    """One column of the final accounts: a county or the city level in one fund."""

    key: str  # a county's code, or "city"
    label: str
    county: County | None
    opening: Decimal = ZERO
    closing: Decimal = ZERO
    lines: dict[str, Decimal] = field(default_factory=dict)

    def line(self, code: str) -> Decimal:
        return self.lines.get(code, ZERO)

    @property
    def income(self) -> Decimal:
        return sum((self.line(code) for code in INCOME_ORDER), ZERO)

    @property
    def expenditure(self) -> Decimal:
        return sum((self.line(code) for code in EXPENDITURE_ORDER), ZERO)

    @property
    def surplus(self) -> Decimal:
        return self.income - self.expenditure

    @property
    def difference(self) -> Decimal:
        """opening + income − expenditure − closing: zero when the books agree."""
        return self.opening + self.surplus - self.closing

    @property
    def balanced(self) -> bool:
        return self.difference == ZERO


@dataclass
class FinalAccounts:
    """The final accounts (or the statement of a month range) of one fund."""

    municipality: Municipality
    fund: FundType
    start: datetime.date
    end: datetime.date
    columns: list[EntityAccounts]
    # Present only for readers who may see the whole city.
    eliminations: EntityAccounts | None = None
    city_total: EntityAccounts | None = None
    unmatched: dict[str, Decimal] = field(default_factory=dict)

    @property
    def balanced(self) -> bool:
        columns = [*self.columns, *([self.city_total] if self.city_total else [])]
        return all(column.balanced for column in columns) and not self.unmatched

    def all_columns(self) -> list[EntityAccounts]:
        extra = [self.eliminations, self.city_total] if self.city_total else []
        return [*self.columns, *extra]


def own_account_filter() -> tuple[str, list]:
    owners = ", ".join(["%s"] * len(OWN_OWNERS))
    return (
        f"a.kind <> %s AND a.owner IN ({owners})",
        [Account.Kind.COUNTERPARTY, *[str(owner) for owner in OWN_OWNERS]],
    )


def line_totals(
    *,
    municipality: Municipality,
    fund: FundType,
    start: datetime.date,
    end: datetime.date,
    by_month: bool = False,
) -> dict[tuple, Decimal]:
    """Income and expenditure per entity and line for months ``start``..``end`` (inclusive).

    Keys are ``(county_id or None, line)``, or ``(county_id or None, month, line)`` with
    ``by_month``. Expenditure is positive. One aggregate query: nets per entry and entity,
    the entry's levels, then sums per (entity, kind, direction).
    """
    own, own_params = own_account_filter()
    posting = Posting._meta.db_table
    account = Account._meta.db_table
    entry = JournalEntry._meta.db_table
    month_column = ", n.month" if by_month else ""
    sql = f"""
        WITH nets AS (
            SELECT p.entry_id, a.county_id, p.month, e.kind, COALESCE(r.kind, '') AS reversed_kind,
                   SUM(p.amount) AS net
            FROM {posting} p
            JOIN {account} a ON a.id = p.account_id
            JOIN {entry} e ON e.id = p.entry_id
            LEFT JOIN {entry} r ON r.id = e.reverses_id
            WHERE a.municipality_id = %s AND p.fund_type_id = %s
              AND p.month >= %s AND p.month <= %s AND {own}
            GROUP BY p.entry_id, a.county_id, p.month, e.kind, r.kind
        ),
        moving AS (SELECT * FROM nets WHERE ABS(net) >= 0.005),
        levels AS (
            SELECT entry_id,
                   MAX(CASE WHEN county_id IS NULL THEN 1 ELSE 0 END) AS city_in,
                   MAX(CASE WHEN county_id IS NULL THEN 0 ELSE 1 END) AS county_in
            FROM moving GROUP BY entry_id
        )
        SELECT n.county_id{month_column}, n.kind, n.reversed_kind,
               CASE WHEN n.county_id IS NULL THEN l.county_in ELSE l.city_in END AS inter_level,
               CASE WHEN n.net > 0 THEN 1 ELSE -1 END AS direction,
               SUM(n.net)
        FROM moving n JOIN levels l ON l.entry_id = n.entry_id
        GROUP BY n.county_id{month_column}, n.kind, n.reversed_kind,
                 CASE WHEN n.county_id IS NULL THEN l.county_in ELSE l.city_in END,
                 CASE WHEN n.net > 0 THEN 1 ELSE -1 END
    """
    params = [municipality.pk, fund.pk, start, end, *own_params]
    totals: dict[tuple, Decimal] = defaultdict(lambda: ZERO)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for row in cursor.fetchall():
            if by_month:
                county_id, month, kind, reversed_kind, inter, direction, total = row
                if isinstance(month, str):
                    month = datetime.date.fromisoformat(month)
            else:
                county_id, kind, reversed_kind, inter, direction, total = row
                month = None
            net = round_money(Decimal(str(total)))
            code = line_for(
                kind=kind,
                reversed_kind=reversed_kind,
                level=CITY_LEVEL if county_id is None else "county",
                inter_level=bool(inter),
                net=Decimal(direction),
            )
            # Income lines carry the net, expenditure lines its negation (reversals negative).
            amount = net if code in INCOME_LINES else -net
            key = (county_id, month, code) if by_month else (county_id, code)
            totals[key] += amount
    return dict(totals)


def balances(
    *, municipality: Municipality, fund: FundType, start: datetime.date, end: datetime.date
) -> dict[int | None, tuple[Decimal, Decimal]]:
    """(opening, closing) of every entity: its own postings before ``start`` and through
    ``end``. One aggregate query."""
    own, own_params = own_account_filter()
    sql = f"""
        SELECT a.county_id,
               SUM(CASE WHEN p.month < %s THEN p.amount ELSE 0 END),
               SUM(CASE WHEN p.month <= %s THEN p.amount ELSE 0 END)
        FROM {Posting._meta.db_table} p JOIN {Account._meta.db_table} a ON a.id = p.account_id
        WHERE a.municipality_id = %s AND p.fund_type_id = %s AND {own}
        GROUP BY a.county_id
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [start, end, municipality.pk, fund.pk, *own_params])
        return {
            county_id: (
                round_money(Decimal(str(opening or 0))),
                round_money(Decimal(str(closing or 0))),
            )
            for county_id, opening, closing in cursor.fetchall()
        }


def final_accounts(
    *,
    municipality: Municipality,
    fund: FundType,
    start: datetime.date,
    end: datetime.date,
    counties: list[County],
    include_city: bool,
) -> FinalAccounts:
    """The final accounts of ``fund`` for months ``start``..``end``: one column per county of
    ``counties``, and, when ``include_city`` (readers who see the whole city), the city level,
    the eliminations and the city total (module docstring)."""
    totals = line_totals(municipality=municipality, fund=fund, start=start, end=end)
    opening_closing = balances(municipality=municipality, fund=fund, start=start, end=end)

    def column(county: County | None) -> EntityAccounts:
        county_id = county.pk if county else None
        opening, closing = opening_closing.get(county_id, (ZERO, ZERO))
        lines = {
            code: round_money(amount)
            for (owner_id, code), amount in totals.items()
            if owner_id == county_id
        }
        return EntityAccounts(
            key=county.code if county else CITY_LEVEL,
            label=county.name if county else str(municipality.name) + "（市本级）",
            county=county,
            opening=opening,
            closing=closing,
            lines=lines,
        )

    columns = ([column(None)] if include_city else []) + [column(county) for county in counties]
    result = FinalAccounts(
        municipality=municipality, fund=fund, start=start, end=end, columns=columns
    )
    if include_city:
        _consolidate(result)
    return result


def _consolidate(result: FinalAccounts) -> None:
    """Add the eliminations and the city total: the sum of every column with the inter-level
    lines taken out (both sides of a pair are the same money)."""
    summed: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for column in result.columns:
        for code, amount in column.lines.items():
            summed[code] += amount
    eliminations = EntityAccounts(key="eliminations", label="", county=None)
    for city_line, county_line in ELIMINATED_PAIRS:
        for code in (city_line, county_line):
            if summed[code]:
                eliminations.lines[code] = -summed[code]
        gap = summed[city_line] - summed[county_line]
        if gap:
            result.unmatched[f"{city_line}/{county_line}"] = gap
    total = EntityAccounts(
        key="total",
        label="",
        county=None,
        opening=sum((column.opening for column in result.columns), ZERO),
        closing=sum((column.closing for column in result.columns), ZERO),
        lines={
            code: summed[code] + eliminations.line(code)
            for code in (*INCOME_ORDER, *EXPENDITURE_ORDER)
            if summed[code] + eliminations.line(code)
        },
    )
    result.eliminations = eliminations
    result.city_total = total


def final_accounts_check(
    *, municipality: Municipality, start: datetime.date, end: datetime.date
) -> list[str]:
    """Every fund's final accounts for the whole city: the problems found (empty when every
    entity balances and every inter-level pair cancels). ``simulate_year`` uses it."""
    counties = list(County.objects.filter(municipality=municipality).order_by("code"))
    problems = []
    for fund in FundType.objects.order_by("code"):
        accounts = final_accounts(
            municipality=municipality,
            fund=fund,
            start=start,
            end=end,
            counties=counties,
            include_city=True,
        )
        for column in accounts.all_columns():
            if column.key != "eliminations" and not column.balanced:
                problems.append(f"{fund.code} {column.key}: difference {column.difference}")
        for pair, gap in accounts.unmatched.items():
            problems.append(f"{fund.code} {pair}: unmatched {gap}")
    return problems


# ---------------------------------------------------------------------------------------------
# The page, the API and the workbook
# ---------------------------------------------------------------------------------------------


def filtered_final_accounts(*, user: User, data: dict) -> FinalAccounts:
    """The final accounts a validated filter asks for, in ``user``'s scope: a county officer
    gets only their county; others the whole city unless they chose a county."""
    start = datetime.date(data["year"], data["month_from"], 1)
    end = datetime.date(data["year"], data["month_to"], 1)
    chosen = data.get("county")
    whole_city = user.role != Role.COUNTY_OFFICER and chosen is None
    counties = [chosen] if chosen else list(counties_for(user=user).order_by("code"))
    municipality = counties[0].municipality if counties else user.municipality
    return final_accounts(
        municipality=municipality,
        fund=data["fund"],
        start=start,
        end=end,
        counties=counties,
        include_city=whole_city,
    )


def table_rows(accounts: FinalAccounts) -> list[tuple[str, str, list[Decimal]]]:
    """The rows of the table as (style, label, one amount per column): the same layout on
    the page and in the workbook."""
    columns = accounts.all_columns()
    labels = dict(BudgetLineCode.choices)
    rows = [("balance", _("Opening balance"), [column.opening for column in columns])]
    for code in INCOME_ORDER:
        rows.append(("line", str(labels[code]), [column.line(code) for column in columns]))
    rows.append(("total", _("Total income"), [column.income for column in columns]))
    for code in EXPENDITURE_ORDER:
        rows.append(("line", str(labels[code]), [column.line(code) for column in columns]))
    rows.append(("total", _("Total expenditure"), [column.expenditure for column in columns]))
    rows.append(("total", _("Surplus for the period"), [column.surplus for column in columns]))
    rows.append(("balance", _("Closing balance"), [column.closing for column in columns]))
    rows.append(
        (
            "check",
            _("Check: opening + income − expenditure − closing"),
            [column.difference for column in columns],
        )
    )
    return rows


def column_labels(accounts: FinalAccounts) -> list[str]:
    """The heading of each column: the counties (and city level), then the eliminations and
    the city total for readers who see the whole city."""
    labels = [column.label for column in accounts.columns]
    if accounts.city_total:
        labels += [_("Inter-level eliminations"), _("City total")]
    return labels


def final_accounts_workbook(accounts: FinalAccounts, *, user: User) -> Workbook:
    """The final accounts in an auditor's layout: title, period, fund and the preparing unit
    (the county of a county officer, else the city) on top, lines as rows, counties as
    columns, the eliminations and city total last, the check row at the bottom; amounts as
    numbers formatted ``#,##0.00``."""
    unit = str(accounts.municipality.name)
    if user.role == Role.COUNTY_OFFICER:
        unit = str(user.county.name)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = accounts.fund.code
    period = f"{accounts.start:%Y-%m} — {accounts.end:%Y-%m}"
    labels = column_labels(accounts)
    sheet.append(xlsx_row(sheet, [_("Final accounts of %(fund)s") % {"fund": accounts.fund.name}]))
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(labels) + 1)
    sheet["A1"].font = Font(bold=True, size=14)
    sheet["A1"].alignment = Alignment(horizontal="center")
    sheet.append(xlsx_row(sheet, [_("Period: %(period)s") % {"period": period}]))
    sheet.append(
        xlsx_row(sheet, [_("Prepared by: %(unit)s") % {"unit": unit}, "", _("Unit: yuan")])
    )
    sheet.append(xlsx_row(sheet, [_("Line"), *labels]))
    for cell in sheet[4]:
        cell.font = Font(bold=True)
    for style, label, amounts in table_rows(accounts):
        sheet.append(xlsx_row(sheet, [label, *amounts]))
        if style != "line":
            for cell in sheet[sheet.max_row]:
                cell.font = Font(bold=True)
        for cell in sheet[sheet.max_row][1:]:
            cell.number_format = "#,##0.00"
    sheet.column_dimensions["A"].width = 36
    for index in range(len(labels)):
        sheet.column_dimensions[chr(ord("B") + index) if index < 25 else "Z"].width = 16
    return workbook


# ---------------------------------------------------------------------------------------------
# A county's yearly result
# ---------------------------------------------------------------------------------------------


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
    return YearResult(
        county=county, fund=fund, year=year, revenue=ZERO, spending=ZERO, before_accession=ZERO
    )
