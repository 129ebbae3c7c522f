"""The city risk-adjustment fund and its deficit waterfall (Z 四(九), DOMAIN §3.2).

Z 四(九): every tier — each county under the ``tiered_adjustment`` pooling model on 31
December and the city level — pays ``adjustment_fund_rate`` (10 %) of the year's actual
pooled-fund and maternity collections, employee and resident, into the city adjustment fund,
booked per source and accounted separately (分别列账、单独核算). A tier whose fund is overdrawn
in the year (当期透支) is covered, in order, by (a) its own accumulated balance, (b) the
adjustment fund, (c) city and county finance, split by how well the tier met its targets.

Accounting decisions (where the document is silent):

- **Per fund.** Each fund is its own book (N 三(四)1, 财社〔2017〕144号 art. 39), so the
  adjustment fund is kept per fund: the city's adjustment-fund account (调剂金户) of 310100,
  390100 and 920100. A resident-fund contribution only ever covers a resident-fund deficit.
- **Contribution** (one entry per tier and fund, kind ``adjustment``): from the tier's fiscal
  special account, where the monthly cycle moves a tiered county's revenue, to the city's
  adjustment-fund account; the entry names the source tier. A district that remits its
  maternity collections to the city (rule ``maternity_remitted_to_city``, Z 四(二)) pays its
  maternity contribution from the city's fiscal special account, still booked as its own;
  its maternity fund is managed by the city level (Z 四(四)), so the waterfall leaves it out.
  A contribution is extracted from the fund (提取): a tier whose account cannot pay all of it
  (overdrawn in the year, or holding only a frozen historical balance) pays what it has; the
  rest is recorded as the shortfall and not extracted, so the year end never fails on it.
- **Current deficit** of a tier and fund: D = spending − revenue + contribution, when
  positive: the year's result (``funds.year_results``) after the contribution it actually paid.
- **Waterfall**, every layer paid into the tier's expenditure account (支出户, the account
  that pays the benefits):
  (a) own accumulated balance: min(D, the tier's fiscal special account balance less any
  frozen historical balance), kind ``transfer``;
  (b) the adjustment fund: the rest, as far as the fund of that fund type reaches; when the
  deficits of all tiers exceed it, it is shared pro rata to their remaining gaps, rounded
  down to the fen, and the fen left over go to the last tier in code order (up to its gap),
  kind ``adjustment``;
  (c) finance: what is still missing, kind ``subsidy``. County share = m + (x − m) × (1 − c)
  rounded half-up to four places, where c is the tier's target completion
  (``settlement.targets``), m the rule ``adjustment_county_share_met`` (50 %) and x the rule
  ``adjustment_county_share_missed`` (90 %): the more a county falls short of its targets,
  the more its own finance bears. County amount = the remaining gap × county share, rounded
  half-up to the fen; the city pays the rest, so the two add up exactly. A county with no
  targets for the year is given share m (nothing measured against it). The city level's gap
  is borne wholly by city finance (its finance is the city's).
- **Dates.** The entries post in December of the year if that month is open, else in the
  first open month after it; the month is fixed at the first run, so a rerun replays the
  same entries.
- **Runs.** Contributions are booked once per year, the waterfall once per year after them;
  a rerun changes nothing (each step is recorded, and every entry has an idempotency key). A
  failure (e.g. a fiscal special account that cannot pay its contribution) rolls back the
  whole step: the ledger is left as it was.
"""

import datetime
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from funds.models import Account, ClosedMonth, FundType, JournalEntry, Posting
from funds.services import EntrySpec, PostingLine, entries_post_batch
from funds.year_results import county_year_results
from pooling.audit import audit_record
from pooling.models import County, CountyPoolingModel, Municipality, PoolingModel, User
from pooling.money import FEN, next_month, round_money
from pooling.selectors import rule_value
from settlement.models import AdjustmentContribution, AdjustmentYear, DeficitCover
from settlement.targets import COLLECTED_KINDS, rate_round, target_assessments

# Z 四(九): the employee and resident pooled funds and the maternity fund.
ADJUSTED_FUNDS: tuple[str, ...] = ("310100", "390100", "920100")
MATERNITY_FUND = "920100"
ZERO = Decimal("0.00")
ONE = Decimal("1")


@dataclass(frozen=True)
class AdjustmentYearResult:
    """What one year-end run did: how many contributions and deficit covers it booked (a
    rerun books none) and the totals of the year as recorded."""

    year: int
    adjustment_year: AdjustmentYear | None
    contributions_created: int
    contributions_total: Decimal
    covers_created: int
    deficits_total: Decimal
    entry_ids: list[int] = field(default_factory=list)


# ---------------------------------------------------------------------------------------------
# Reads
# ---------------------------------------------------------------------------------------------


def tiers_under_adjustment(*, municipality: Municipality, year: int) -> list[County]:
    """The member units under ``tiered_adjustment`` on 31 December of ``year``, in code
    order (the city level included when it follows the model, as in Zhengzhou)."""
    on = datetime.date(year, 12, 31)
    in_force = CountyPoolingModel.objects.filter(
        county__municipality=municipality,
        model=PoolingModel.TIERED_ADJUSTMENT,
        effective_from__lte=on,
    ).filter(Q(effective_to__isnull=True) | Q(effective_to__gte=on))
    return list(County.objects.filter(pk__in=in_force.values("county")).order_by("code"))


def contribution_bases(
    *, municipality: Municipality, year: int, counties: list[County]
) -> dict[tuple[int, str], Decimal]:
    """The year's actual collections per (county, fund code) of the adjusted funds: postings
    of collection and top-up entries on the county's income accounts in the year's months.
    One grouped query."""
    rows = (
        Posting.objects.filter(
            account__municipality=municipality,
            account__county__in=counties,
            account__owner=Account.Owner.COUNTY,
            account__kind=Account.Kind.INCOME,
            account__fund_type__code__in=ADJUSTED_FUNDS,
            month__year=year,
            entry__kind__in=COLLECTED_KINDS,
        )
        .values("account__county", "account__fund_type__code")
        .annotate(total=Sum("amount"))
    )
    return {
        (row["account__county"], row["account__fund_type__code"]): round_money(row["total"])
        for row in rows
    }


def county_share_for(
    *, municipality: Municipality, year: int, completion: Decimal | None
) -> Decimal:
    """County finance's share of a gap the adjustment fund could not close (module docstring):
    m + (x − m) × (1 − c), rounded half-up to four places; m when there is no completion."""
    on = datetime.date(year, 12, 31)
    met = rule_value(municipality=municipality, key="adjustment_county_share_met", on=on)
    missed = rule_value(municipality=municipality, key="adjustment_county_share_missed", on=on)
    if completion is None:
        return rate_round(met)
    shortfall = ONE - min(max(completion, Decimal("0")), ONE)
    return rate_round(met + (missed - met) * shortfall)


def adjustment_years_for(*, municipality: Municipality) -> list[AdjustmentYear]:
    return list(AdjustmentYear.objects.filter(municipality=municipality).order_by("-year"))


# ---------------------------------------------------------------------------------------------
# Writes
# ---------------------------------------------------------------------------------------------


def _posting_month(municipality: Municipality, year: int) -> datetime.date:
    """December of ``year`` if open, else the first open month after it."""
    closed = set(
        ClosedMonth.objects.filter(
            municipality=municipality, month__gte=datetime.date(year, 12, 1)
        ).values_list("month", flat=True)
    )
    month = datetime.date(year, 12, 1)
    while month in closed:
        month = next_month(month)
    return month


def _year_record(municipality: Municipality, year: int) -> AdjustmentYear:
    """The year's record, locked; created with its posting month on the first run."""
    if not 2000 <= year <= 2100:
        raise ValidationError({"year": _("Enter a year between 2000 and 2100.")})
    if year >= timezone.localdate().year + 1:
        raise ValidationError({"year": _("The year %(year)s has not ended yet.") % {"year": year}})
    month = _posting_month(municipality, year)
    effective = datetime.date(year, 12, 31) if month.year == year else month
    record, _created = AdjustmentYear.objects.get_or_create(
        municipality=municipality,
        year=year,
        defaults={"posting_month": month, "effective_date": effective},
    )
    return AdjustmentYear.objects.select_for_update().get(pk=record.pk)


def _account(
    municipality: Municipality, county: County | None, owner: str, kind: str, fund: FundType
) -> Account:
    try:
        return Account.objects.get(
            municipality=municipality, county=county, owner=owner, kind=kind, fund_type=fund
        )
    except Account.DoesNotExist as error:
        raise ValidationError(
            _("%(where)s has no “%(kind)s” account of %(fund)s; open the accounts first.")
            % {
                "where": county.name if county else municipality.name,
                "kind": Account.Kind(kind).label,
                "fund": fund.name,
            }
        ) from error


def _maternity_at_city(municipality: Municipality, county: County, year: int) -> bool:
    value = rule_value(
        municipality=municipality,
        key="maternity_remitted_to_city",
        on=datetime.date(year, 12, 31),
        county=county,
    )
    return value == 1


def _key(record: AdjustmentYear, layer: str, county: County, fund: FundType) -> str:
    return f"adjustment:{record.municipality_id}:{record.year}:{layer}:{county.code}:{fund.code}"


def _contributions_book(
    *, municipality: Municipality, year: int, actor: User | None
) -> tuple[AdjustmentYear, int, list[int]]:
    record = _year_record(municipality, year)
    if record.contributions_at is not None:
        return record, 0, []
    tiers = tiers_under_adjustment(municipality=municipality, year=year)
    bases = contribution_bases(municipality=municipality, year=year, counties=tiers)
    rate = rule_value(
        municipality=municipality, key="adjustment_fund_rate", on=datetime.date(year, 12, 31)
    )
    funds = {fund.code: fund for fund in FundType.objects.filter(code__in=ADJUSTED_FUNDS)}
    # What each paying account can give: its balance less any frozen historical balance
    # (N 三(四)5), spent down as contributions are planned (one account may pay for several
    # districts' maternity contributions).
    available: dict[int, Decimal] = {}
    planned: list[AdjustmentContribution] = []
    specs: list[EntrySpec] = []
    for county in tiers:
        for code in ADJUSTED_FUNDS:
            collections = bases.get((county.pk, code), ZERO)
            due = round_money(collections * rate)
            if due <= 0 or code not in funds:
                continue
            fund = funds[code]
            if code == MATERNITY_FUND and _maternity_at_city(municipality, county, year):
                source = _account(municipality, None, Account.Owner.FINANCE_BUREAU,
                                  Account.Kind.FISCAL_SPECIAL, fund)  # fmt: skip
            else:
                source = _account(municipality, county, Account.Owner.COUNTY,
                                  Account.Kind.FISCAL_SPECIAL, fund)  # fmt: skip
            left = available.setdefault(source.pk, max(source.balance - source.frozen_amount, ZERO))
            paid = min(due, left)
            available[source.pk] = left - paid
            planned.append(
                AdjustmentContribution(
                    adjustment_year=record,
                    county=county,
                    fund_type=fund,
                    collections=collections,
                    rate=rate,
                    amount_due=due,
                    amount=paid,
                    source_account=source,
                )  # fmt: skip
            )
            if paid == 0:
                continue
            pool = _account(municipality, None, Account.Owner.CITY,
                            Account.Kind.ADJUSTMENT_FUND, fund)  # fmt: skip
            shortfall = f"（应提 {due}，基金余额不足，少提 {due - paid}）" if paid < due else ""
            specs.append(
                EntrySpec(
                    kind=JournalEntry.Kind.ADJUSTMENT,
                    month=record.posting_month,
                    effective_date=record.effective_date,
                    memo=f"{year}年调剂金提取 · {county.name} · {fund.name} · "
                    f"{collections} × {rate.normalize()}{shortfall}",
                    idempotency_key=_key(record, "contribution", county, fund),
                    lines=[PostingLine(source, -paid), PostingLine(pool, paid)],
                    source=record,
                    source_label=f"{county.name}（{county.code}）",
                )
            )
    batch = entries_post_batch(municipality=municipality, entries=specs, actor=actor)
    entry_ids = iter(batch.entry_ids)
    for contribution in planned:
        if contribution.amount > 0:
            contribution.entry_id = next(entry_ids)
    AdjustmentContribution.objects.bulk_create(planned)
    record.contributions_at = timezone.now()
    record.contributions_by = actor if actor is not None and actor.pk else None
    record.save(update_fields=["contributions_at", "contributions_by"])
    audit_record(
        actor=actor,
        action="settlement.adjustment_contributions_book",
        instance=record,
        after={
            "year": year,
            "contributions": len(planned),
            "total": str(sum((row.amount for row in planned), ZERO)),
            "shortfall": str(sum((row.shortfall for row in planned), ZERO)),
        },
        municipality=municipality,
    )
    return record, len(planned), batch.entry_ids


@dataclass
class _Gap:
    county: County
    fund: FundType
    revenue: Decimal
    spending: Decimal
    contribution: Decimal
    deficit: Decimal
    own_balance: Decimal
    own_used: Decimal
    adjustment_used: Decimal = ZERO
    completion: Decimal | None = None
    county_share: Decimal = ZERO
    city_finance: Decimal = ZERO
    county_finance: Decimal = ZERO

    @property
    def after_own(self) -> Decimal:
        return self.deficit - self.own_used


def _share_adjustment_fund(gaps: list[_Gap], available: Decimal) -> None:
    """Give each gap its part of the adjustment fund (module docstring, layer (b))."""
    wanted = sum((gap.after_own for gap in gaps), ZERO)
    if wanted <= available:
        for gap in gaps:
            gap.adjustment_used = gap.after_own
        return
    given = ZERO
    for gap in gaps:
        gap.adjustment_used = (available * gap.after_own / wanted).quantize(FEN, ROUND_DOWN)
        given += gap.adjustment_used
    leftover = available - given
    for gap in reversed(gaps):
        extra = min(leftover, gap.after_own - gap.adjustment_used)
        gap.adjustment_used += extra
        leftover -= extra
        if leftover <= 0:
            break


def _waterfall_run(
    *, municipality: Municipality, year: int, actor: User | None
) -> tuple[AdjustmentYear, int, list[int]]:
    record = _year_record(municipality, year)
    if record.contributions_at is None:
        raise ValidationError(
            _("Book the year's contributions to the adjustment fund before the waterfall.")
        )
    if record.waterfall_at is not None:
        return record, 0, []
    tiers = tiers_under_adjustment(municipality=municipality, year=year)
    tier_ids = {county.pk for county in tiers}
    paid = {
        (row.county_id, row.fund_type.code): row.amount
        for row in record.contributions.select_related("fund_type")
    }
    results = [
        result
        for result in county_year_results(municipality=municipality, year=year)
        if result.county.pk in tier_ids and result.fund.code in ADJUSTED_FUNDS
    ]
    gaps_by_fund: dict[str, list[_Gap]] = {}
    for result in sorted(results, key=lambda item: (item.fund.code, item.county.code)):
        county, fund = result.county, result.fund
        if fund.code == MATERNITY_FUND and _maternity_at_city(municipality, county, year):
            continue
        contribution = paid.get((county.pk, fund.code), ZERO)
        deficit = round_money(result.spending - result.revenue + contribution)
        if deficit <= 0:
            continue
        own = _account(municipality, county, Account.Owner.COUNTY,
                       Account.Kind.FISCAL_SPECIAL, fund)  # fmt: skip
        # A frozen historical balance (N 三(四)5) is not the tier's to use here.
        own_balance = max(own.balance - own.frozen_amount, ZERO)
        gaps_by_fund.setdefault(fund.code, []).append(
            _Gap(
                county=county,
                fund=fund,
                revenue=result.revenue,
                spending=result.spending,
                contribution=contribution,
                deficit=deficit,
                own_balance=own_balance,
                own_used=min(deficit, own_balance),
            )  # fmt: skip
        )
    completions = {
        assessment.county.pk: assessment.completion
        for assessment in target_assessments(municipality=municipality, year=year, counties=tiers)
    }
    specs: list[EntrySpec] = []
    layers: list[tuple[_Gap, str]] = []
    for gaps in gaps_by_fund.values():
        fund = gaps[0].fund
        pool = _account(municipality, None, Account.Owner.CITY,
                        Account.Kind.ADJUSTMENT_FUND, fund)  # fmt: skip
        _share_adjustment_fund(gaps, max(pool.balance, ZERO))
        for gap in gaps:
            rest = gap.after_own - gap.adjustment_used
            if rest > 0:
                if gap.county.kind == County.Kind.CITY_LEVEL:
                    gap.county_share = ZERO
                else:
                    gap.completion = completions.get(gap.county.pk)
                    gap.county_share = county_share_for(
                        municipality=municipality, year=year, completion=gap.completion
                    )
                gap.county_finance = round_money(rest * gap.county_share)
                gap.city_finance = rest - gap.county_finance
            elif gap.county.kind != County.Kind.CITY_LEVEL:
                gap.completion = completions.get(gap.county.pk)
            target = _account(municipality, gap.county, Account.Owner.COUNTY,
                              Account.Kind.EXPENDITURE, fund)  # fmt: skip
            sources = [
                ("own", JournalEntry.Kind.TRANSFER, gap.own_used, "累计结余弥补当期透支",
                 gap.county, Account.Owner.COUNTY, Account.Kind.FISCAL_SPECIAL),
                ("fund", JournalEntry.Kind.ADJUSTMENT, gap.adjustment_used, "市级调剂金弥补缺口",
                 None, Account.Owner.CITY, Account.Kind.ADJUSTMENT_FUND),
                ("city_finance", JournalEntry.Kind.SUBSIDY, gap.city_finance, "市财政负担缺口",
                 None, Account.Owner.CITY_FINANCE, Account.Kind.COUNTERPARTY),
                ("county_finance", JournalEntry.Kind.SUBSIDY, gap.county_finance,
                 "县级财政负担缺口", gap.county, Account.Owner.COUNTY_GOVERNMENT,
                 Account.Kind.COUNTERPARTY),
            ]  # fmt: skip
            for layer, kind, amount, label, holder, owner, account_kind in sources:
                if amount <= 0:
                    continue
                source = _account(municipality, holder, owner, account_kind, fund)
                specs.append(
                    EntrySpec(
                        kind=kind,
                        month=record.posting_month,
                        effective_date=record.effective_date,
                        memo=f"{year}年{label} · {gap.county.name} · {fund.name}",
                        idempotency_key=_key(record, layer, gap.county, fund),
                        lines=[PostingLine(source, -amount), PostingLine(target, amount)],
                        source=record,
                        source_label=f"{gap.county.name}（{gap.county.code}）",
                    )
                )
                layers.append((gap, layer))
    batch = entries_post_batch(municipality=municipality, entries=specs, actor=actor)
    covers: dict[int, DeficitCover] = {}
    for gaps in gaps_by_fund.values():
        for gap in gaps:
            covers[id(gap)] = DeficitCover.objects.create(
                adjustment_year=record, county=gap.county, fund_type=gap.fund,
                revenue=gap.revenue, spending=gap.spending, contribution=gap.contribution,
                deficit=gap.deficit, own_balance=gap.own_balance, own_used=gap.own_used,
                adjustment_used=gap.adjustment_used, completion=gap.completion,
                county_share=gap.county_share, city_finance=gap.city_finance,
                county_finance=gap.county_finance,
            )  # fmt: skip
    for (gap, _layer), entry_id in zip(layers, batch.entry_ids, strict=True):
        covers[id(gap)].entries.add(entry_id)
    record.waterfall_at = timezone.now()
    record.waterfall_by = actor if actor is not None and actor.pk else None
    record.save(update_fields=["waterfall_at", "waterfall_by"])
    audit_record(
        actor=actor,
        action="settlement.adjustment_waterfall_run",
        instance=record,
        after={
            "year": year,
            "covers": len(covers),
            "deficits": str(sum((cover.deficit for cover in covers.values()), ZERO)),
        },
        municipality=municipality,
    )
    return record, len(covers), batch.entry_ids


def _result(year: int, record: AdjustmentYear, contributions: int, covers: int,
            entry_ids: list[int]) -> AdjustmentYearResult:  # fmt: skip
    totals = record.contributions.aggregate(total=Sum("amount"))
    deficits = record.covers.aggregate(total=Sum("deficit"))
    return AdjustmentYearResult(
        year=year,
        adjustment_year=record,
        contributions_created=contributions,
        contributions_total=round_money(totals["total"] or ZERO),
        covers_created=covers,
        deficits_total=round_money(deficits["total"] or ZERO),
        entry_ids=entry_ids,
    )


@transaction.atomic(durable=True)
def adjustment_contributions_book(
    *, municipality: Municipality, year: int, actor: User | None
) -> AdjustmentYearResult:
    """Book every tier's contribution of ``year`` to the adjustment fund (Z 四(九)): one
    entry per tier and fund, all or nothing. Once booked, a rerun changes nothing."""
    record, created, entry_ids = _contributions_book(
        municipality=municipality, year=year, actor=actor
    )
    return _result(year, record, created, 0, entry_ids)


@transaction.atomic(durable=True)
def adjustment_waterfall_run(
    *, municipality: Municipality, year: int, actor: User | None
) -> AdjustmentYearResult:
    """Cover every tier's current deficit of ``year`` (Z 四(九)): own accumulated balance,
    then the adjustment fund, then city and county finance by target completion (module
    docstring). Needs the year's contributions; all or nothing; a rerun changes nothing."""
    record, created, entry_ids = _waterfall_run(municipality=municipality, year=year, actor=actor)
    return _result(year, record, 0, created, entry_ids)


@transaction.atomic
def adjustment_year_run(
    *, municipality: Municipality, year: int, actor: User | None
) -> AdjustmentYearResult:
    """Run the year end of the adjustment fund for ``year``: first every tier's contribution
    (``adjustment_fund_rate`` of the year's actual pooled-fund and maternity collections,
    employee and resident, one ledger entry per tier and fund), then the waterfall for every
    tier in current deficit (own accumulated balance → adjustment fund → city and county
    finance split by target completion). Counties not under ``tiered_adjustment`` are left
    alone, so a city without that model gets an empty result.

    Idempotent: a second run changes nothing; a failure leaves the ledger as it was. Not
    durable, so a caller (``simulate_year``) may run it inside its own transaction.
    """
    if not tiers_under_adjustment(municipality=municipality, year=year):
        return AdjustmentYearResult(
            year=year, adjustment_year=None, contributions_created=0,
            contributions_total=ZERO, covers_created=0, deficits_total=ZERO,
        )  # fmt: skip
    record, contributions, first_ids = _contributions_book(
        municipality=municipality, year=year, actor=actor
    )
    record, covers, second_ids = _waterfall_run(municipality=municipality, year=year, actor=actor)
    return _result(year, record, contributions, covers, [*first_ids, *second_ids])
