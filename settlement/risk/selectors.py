"""The reads of the fund risk early warning (财社〔2017〕144号, DOMAIN §11).

**Months covered** = balance ÷ average monthly spending over the last twelve months, for every
fund and every accounting entity (each county and the city level, as in the final accounts
of ``funds.reports``).

- *Balance* is what the entity holds for that fund at the month's end: the sum of its own
  accounts (income, expenditure, fiscal special, historical reserve, personal-account control,
  adjustment fund). That is what each pooling model leaves available to it: a tiered county
  keeps its revenue in its own fiscal special account, so its own row is its whole fund; under
  unified collection and expenditure the revenue is remitted to the city, so the county's row
  is only the working balance of its expenditure account and the **city level row** measures
  the pooled fund that backs it (its spending is the allocations to the counties).
- *Spending* is the entity's expenditure lines except remittances to the higher level (money
  passed up is not spent): benefits, grants to lower levels, transfers out, other expenditure,
  net of reversals.
- The average divides by twelve months, or by the months since the entity's first posting in
  the fund when its history is shorter; with no spending, months covered is undefined and the
  fund is not at risk.

Levels come from dated rules: below ``risk_warning_months`` a fund is at *warning*, below
``risk_alert_months`` in *alert*. ``settlement.risk.services.risk_alerts_check`` notifies
each crossing.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db import connection

from funds.ledger.models import Account, FundType, Posting
from funds.reports.selectors import CITY_LEVEL, SPENDING_LINES, line_totals, own_account_filter
from pooling.accounts.models import Role, User
from pooling.core.money import ZERO, month_start, round_money
from pooling.rules.catalogue import rule_spec
from pooling.rules.selectors import RuleNotDefined, rule_value
from pooling.structure.models import County, Municipality
from pooling.structure.selectors import counties_for

AVERAGE_MONTHS = 12


class Level:
    OK = "ok"
    WARNING = "warning"
    ALERT = "alert"


SEVERITY = {Level.OK: 0, Level.WARNING: 1, Level.ALERT: 2}


def add_months(month: datetime.date, count: int) -> datetime.date:
    index = month.year * 12 + month.month - 1 + count
    return datetime.date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True)
class RiskPoint:
    month: datetime.date
    balance: Decimal
    spending: Decimal
    average_spending: Decimal
    months_covered: Decimal | None
    level: str


@dataclass
class RiskRow:
    """One entity's series in one fund."""

    key: str  # a county's code or "city"
    label: str
    county: County | None
    fund: FundType
    points: list[RiskPoint] = field(default_factory=list)

    @property
    def latest(self) -> RiskPoint | None:
        return self.points[-1] if self.points else None


@dataclass(frozen=True)
class Thresholds:
    warning: Decimal
    alert: Decimal


def thresholds_for(*, municipality: Municipality, month: datetime.date) -> Thresholds:
    """The warning and alert levels in force on ``month``; a database seeded before the alert
    rule existed falls back to the rule's documented default rather than failing the page."""

    def value(key: str) -> Decimal:
        try:
            found = rule_value(municipality=municipality, key=key, on=month)
        except RuleNotDefined:
            found = rule_spec(key).default_for(municipality.slug)
        return found.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)

    return Thresholds(warning=value("risk_warning_months"), alert=value("risk_alert_months"))


def level_for(months_covered: Decimal | None, thresholds: Thresholds) -> str:
    if months_covered is None:
        return Level.OK
    if months_covered < thresholds.alert:
        return Level.ALERT
    if months_covered < thresholds.warning:
        return Level.WARNING
    return Level.OK


def _as_date(value) -> datetime.date:
    return datetime.date.fromisoformat(value) if isinstance(value, str) else value


def _monthly_balances(
    municipality: Municipality, fund: FundType, start: datetime.date, end: datetime.date
) -> tuple[dict[int | None, Decimal], dict[tuple, Decimal], dict[int | None, datetime.date]]:
    """(balance before ``start``, change per (entity, month) up to ``end``, first month with a
    posting) per entity, in one aggregate query over the entity's own postings."""
    own, own_params = own_account_filter()
    sql = f"""
        SELECT a.county_id, CASE WHEN p.month < %s THEN NULL ELSE p.month END,
               SUM(p.amount), MIN(p.month)
        FROM {Posting._meta.db_table} p JOIN {Account._meta.db_table} a ON a.id = p.account_id
        WHERE a.municipality_id = %s AND p.fund_type_id = %s AND p.month <= %s AND {own}
        GROUP BY a.county_id, CASE WHEN p.month < %s THEN NULL ELSE p.month END
    """
    opening: dict[int | None, Decimal] = defaultdict(lambda: ZERO)
    changes: dict[tuple, Decimal] = {}
    first: dict[int | None, datetime.date] = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, [start, municipality.pk, fund.pk, end, *own_params, start])
        for county_id, month, total, earliest in cursor.fetchall():
            amount = round_money(Decimal(str(total)))
            earliest = _as_date(earliest)
            first[county_id] = min(first.get(county_id, earliest), earliest)
            if month is None:
                opening[county_id] += amount
            else:
                changes[(county_id, _as_date(month))] = amount
    return opening, changes, first


def risk_series(
    *,
    municipality: Municipality,
    fund: FundType,
    end: datetime.date,
    months: int,
    counties: list[County],
    include_city: bool,
) -> list[RiskRow]:
    """Month-end balance, spending, average spending, months covered and level of every entity
    for the ``months`` months ending with ``end`` (module docstring). Two aggregate queries."""
    end = month_start(end)
    start = add_months(end, -(months - 1))
    spending_start = add_months(start, -(AVERAGE_MONTHS - 1))
    opening, changes, first = _monthly_balances(municipality, fund, start, end)
    spending: dict[tuple, Decimal] = defaultdict(lambda: ZERO)
    by_month = line_totals(
        municipality=municipality, fund=fund, start=spending_start, end=end, by_month=True
    )
    for (county_id, month, code), amount in by_month.items():
        if code in SPENDING_LINES:
            spending[(county_id, month)] += amount
    thresholds = {
        add_months(start, offset): thresholds_for(
            municipality=municipality, month=add_months(start, offset)
        )
        for offset in range(months)
    }
    entities: list[tuple[County | None, str, str]] = []
    if include_city:
        entities.append((None, CITY_LEVEL, f"{municipality.name}（市本级）"))
    entities += [(county, county.code, county.name) for county in counties]
    rows = []
    for county, key, label in entities:
        county_id = county.pk if county else None
        row = RiskRow(key=key, label=label, county=county, fund=fund)
        balance = opening.get(county_id, ZERO)
        for offset in range(months):
            month = add_months(start, offset)
            balance += changes.get((county_id, month), ZERO)
            began = first.get(county_id)
            window = []
            if began is not None and began <= month:
                window_start = max(add_months(month, -(AVERAGE_MONTHS - 1)), began)
                count = (month.year - window_start.year) * 12 + month.month - window_start.month
                window = [add_months(window_start, step) for step in range(count + 1)]
            total = sum((spending[(county_id, m)] for m in window), ZERO)
            average = round_money(total / len(window)) if window else ZERO
            covered = None
            if average > 0:
                covered = (balance / average).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
            row.points.append(
                RiskPoint(
                    month=month,
                    balance=balance,
                    spending=round_money(spending[(county_id, month)]),
                    average_spending=average,
                    months_covered=covered,
                    level=level_for(covered, thresholds[month]),
                )
            )
        rows.append(row)
    return rows


def funds_in_use(*, municipality: Municipality) -> list[FundType]:
    """The funds with at least one posting in the municipality."""
    used = (
        Posting.objects.filter(account__municipality=municipality)
        .values_list("fund_type_id", flat=True)
        .distinct()
    )
    return list(FundType.objects.filter(pk__in=used).order_by("code"))


def filtered_risk_rows(*, user: User, data: dict) -> tuple[list[RiskRow], Thresholds]:
    """The series a validated filter (fund, last month, months shown, county or all) asks
    for, in ``user``'s scope: the city level row only for city staff and auditors looking at
    every county."""
    chosen = data.get("county")
    counties = [chosen] if chosen else list(counties_for(user=user).order_by("code"))
    municipality = counties[0].municipality if counties else user.municipality
    rows = risk_series(
        municipality=municipality,
        fund=data["fund"],
        end=data["month"],
        months=data["months"],
        counties=counties,
        include_city=user.role != Role.COUNTY_OFFICER and chosen is None,
    )
    return rows, thresholds_for(municipality=municipality, month=data["month"])
