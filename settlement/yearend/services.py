"""Deficit subsidies (N 三(四)6) and pre-accession risk (J 二(五)2; issue 8 items 2 and 4).

N 三(四)6: a county whose year's fund result (``funds.year_results``) is a deficit applies in
writing; the city agency reviews, the bureau approves or returns it. The subsidy is taken
from the county's historical balance first (有历史结余的，从历史结余中解决) — approving the
subsidy is itself the approval to use that frozen money; what is left is shared between the
city fund and the county government (rule ``deficit_city_share``, in force on 31 December of
the year).

J 二(五)2: risk arising before the county's accession is the county's alone. The part of the
deficit from before the accession date (``YearResult.deficit_before_accession``) is covered by
the historical balance first (it is the county's own money) and its remainder falls wholly on
the county government: the city's share of that part is zero.

The split, in fen, half-up (``split_deficit``)::

    from_history = min(deficit, frozen 70 % left)
    pre_rest     = max(before_accession − from_history, 0)      # county government alone
    shared       = deficit − from_history − pre_rest
    city_share   = round_half_up(shared × deficit_city_share)
    county_share = deficit − from_history − city_share

Booking at approval, into the county's expenditure account of the fund (where the benefits
are paid): ``transfer`` from the county's fiscal special account (the history), ``subsidy``
from the finance bureau's fiscal special account (the city fund) and ``subsidy`` from the
county government's counterparty account. Each entry has an idempotency key of the
application and layer, so a replay books nothing twice.
"""

import datetime
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from funds.history.models import ApplicationStatus
from funds.history.services import application_step, frozen_release
from funds.ledger.models import Account, ClosedMonth, FundType, JournalEntry
from funds.ledger.selectors import account_for
from funds.ledger.services import EntrySpec, PostingLine, entries_post_batch
from funds.reports.selectors import county_year_result, county_year_results
from pooling.accounts.models import Role, User
from pooling.core.audit import audit_record
from pooling.core.money import FEN, ZERO, month_start, next_month, round_money
from pooling.rules.selectors import rule_value
from pooling.structure.models import County, Municipality
from settlement.targets.selectors import target_assessments
from settlement.yearend.models import (
    AdjustmentContribution,
    AdjustmentYear,
    DeficitApplication,
    DeficitCover,
)
from settlement.yearend.selectors import (
    ADJUSTED_FUNDS,
    MATERNITY_FUND,
    AdjustmentYearResult,
    DeficitSplit,
    _history,
    contribution_bases,
    county_share_for,
    split_deficit,
    tiers_under_adjustment,
)

# A written application: PDF, scans or office documents, at most 10 MB.
ATTACHMENT_TYPES = (".pdf", ".jpg", ".jpeg", ".png", ".doc", ".docx", ".ofd")
ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024


def validate_attachment(upload) -> None:
    """A written application: a document of an allowed type, not empty, at most 10 MB."""
    name = (getattr(upload, "name", "") or "").lower()
    if not name.endswith(ATTACHMENT_TYPES):
        raise ValidationError(
            {
                "attachment": _(
                    "Attach the written application as PDF, OFD, Word or an image (%(types)s)."
                )
                % {"types": ", ".join(ATTACHMENT_TYPES)}
            }
        )
    size = getattr(upload, "size", 0) or 0
    if size == 0 or size > ATTACHMENT_MAX_BYTES:
        raise ValidationError({"attachment": _("The attachment must be between 1 byte and 10 MB.")})


@transaction.atomic
def deficit_apply(
    *, county: County, fund_type: FundType, year: int, reason: str, attachment, actor: User
) -> DeficitApplication:
    """A county applies in writing for the subsidy of its deficit of ``fund_type`` in
    ``year``; the amounts are read from the ledger now and shown on the application."""
    if actor.role == Role.COUNTY_OFFICER and actor.county_id != county.pk:
        raise ValidationError({"county": _("You may apply only for your own county.")})
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Give the reason for the application.")})
    validate_attachment(attachment)
    result = county_year_result(county=county, fund=fund_type, year=year)
    if result.deficit <= 0:
        raise ValidationError(
            {
                "year": _(
                    "%(county)s closed %(year)s in %(fund)s with a result of %(result)s: "
                    "there is no deficit to subsidise."
                )
                % {
                    "county": county.name,
                    "year": year,
                    "fund": fund_type.name,
                    "result": result.result,
                }
            }
        )
    if (
        DeficitApplication.objects.filter(county=county, fund_type=fund_type, year=year)
        .exclude(status=ApplicationStatus.RETURNED)
        .exists()
    ):
        raise ValidationError(
            {"year": _("An application for this fund and year is already open or approved.")}
        )
    application = DeficitApplication.objects.create(
        municipality=county.municipality,
        county=county,
        fund_type=fund_type,
        year=year,
        reason=reason.strip(),
        attachment=attachment,
        revenue=result.revenue,
        spending=result.spending,
        deficit=result.deficit,
        before_accession=result.deficit_before_accession,
        submitted_by=actor,
    )
    audit_record(
        actor=actor,
        action="funds.deficit_apply",
        instance=application,
        after={
            "deficit": str(result.deficit),
            "before_accession": str(result.deficit_before_accession),
        },
        municipality=county.municipality,
        county=county,
    )
    return application


def _book(
    application: DeficitApplication, split: DeficitSplit, actor: User, today: datetime.date
) -> list[int]:
    county, fund = application.county, application.fund_type
    municipality = application.municipality
    target = account_for(
        municipality=municipality, county=county, kind=Account.Kind.EXPENDITURE, fund_code=fund.code
    )
    layers = [
        (
            "history",
            JournalEntry.Kind.TRANSFER,
            split.from_history,
            "历史结余弥补",
            lambda: account_for(
                municipality=municipality,
                county=county,
                kind=Account.Kind.FISCAL_SPECIAL,
                fund_code=fund.code,
            ),
        ),
        (
            "city",
            JournalEntry.Kind.SUBSIDY,
            split.city_share,
            "市级基金补助",
            lambda: account_for(
                municipality=municipality,
                county=None,
                kind=Account.Kind.FISCAL_SPECIAL,
                fund_code=fund.code,
            ),
        ),
        (
            "county",
            JournalEntry.Kind.SUBSIDY,
            split.county_share,
            "县级政府承担",
            lambda: account_for(
                municipality=municipality,
                county=county,
                kind=Account.Kind.COUNTERPARTY,
                fund_code=fund.code,
                owner=Account.Owner.COUNTY_GOVERNMENT,
            ),
        ),
    ]
    specs = [
        EntrySpec(
            kind=kind,
            month=month_start(today),
            effective_date=today,
            memo=f"{application.year}年基金缺口 · {label} · {county.name} · {fund.name}",
            idempotency_key=f"deficit:{application.pk}:{layer}",
            lines=[
                PostingLine(account=source(), amount=-amount),
                PostingLine(account=target, amount=amount),
            ],
            source=application,
            source_label=str(application),
        )
        for layer, kind, amount, label, source in layers
        if amount > 0
    ]
    return entries_post_batch(municipality=municipality, entries=specs, actor=actor).entry_ids


@transaction.atomic
def deficit_decide(
    *,
    application: DeficitApplication,
    actor: User,
    step: str,
    reason: str = "",
    today: datetime.date | None = None,
) -> DeficitApplication:
    """Review, approve or return a deficit application. Approval fixes the split, releases the
    history it uses from the frozen amount and books the subsidy (module docstring)."""
    today = today or timezone.localdate()
    application = application_step(
        DeficitApplication.objects.select_for_update().get(pk=application.pk),
        actor=actor,
        step=step,
        reason=reason,
    )
    if application.status == ApplicationStatus.APPROVED:
        split = split_deficit(
            county=application.county,
            fund=application.fund_type,
            year=application.year,
            deficit=application.deficit,
            before_accession=application.before_accession,
        )
        history = _history(application.county, application.fund_type)
        if split.from_history > 0:
            frozen_release(balance=history, amount=split.from_history)
        application.from_history = split.from_history
        application.city_share = split.city_share
        application.county_share = split.county_share
        application.city_share_rate = split.city_share_rate
        application.save(
            update_fields=["from_history", "city_share", "county_share", "city_share_rate"]
        )
        _book(application, split, actor, today)
    audit_record(
        actor=actor,
        action=f"funds.deficit_{step}",
        instance=application,
        after={
            "status": application.status,
            "from_history": str(application.from_history),
            "city_share": str(application.city_share),
            "county_share": str(application.county_share),
        },
        municipality=application.municipality,
        county=application.county,
    )
    return application


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
                source = _account(
                    municipality,
                    None,
                    Account.Owner.FINANCE_BUREAU,
                    Account.Kind.FISCAL_SPECIAL,
                    fund,
                )
            else:
                source = _account(
                    municipality, county, Account.Owner.COUNTY, Account.Kind.FISCAL_SPECIAL, fund
                )
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
                )
            )
            if paid == 0:
                continue
            pool = _account(
                municipality, None, Account.Owner.CITY, Account.Kind.ADJUSTMENT_FUND, fund
            )
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
        own = _account(
            municipality, county, Account.Owner.COUNTY, Account.Kind.FISCAL_SPECIAL, fund
        )
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
            )
        )
    completions = {
        assessment.county.pk: assessment.completion
        for assessment in target_assessments(municipality=municipality, year=year, counties=tiers)
    }
    specs: list[EntrySpec] = []
    layers: list[tuple[_Gap, str]] = []
    for gaps in gaps_by_fund.values():
        fund = gaps[0].fund
        pool = _account(municipality, None, Account.Owner.CITY, Account.Kind.ADJUSTMENT_FUND, fund)
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
            target = _account(
                municipality, gap.county, Account.Owner.COUNTY, Account.Kind.EXPENDITURE, fund
            )
            sources = [
                (
                    "own",
                    JournalEntry.Kind.TRANSFER,
                    gap.own_used,
                    "累计结余弥补当期透支",
                    gap.county,
                    Account.Owner.COUNTY,
                    Account.Kind.FISCAL_SPECIAL,
                ),
                (
                    "fund",
                    JournalEntry.Kind.ADJUSTMENT,
                    gap.adjustment_used,
                    "市级调剂金弥补缺口",
                    None,
                    Account.Owner.CITY,
                    Account.Kind.ADJUSTMENT_FUND,
                ),
                (
                    "city_finance",
                    JournalEntry.Kind.SUBSIDY,
                    gap.city_finance,
                    "市财政负担缺口",
                    None,
                    Account.Owner.CITY_FINANCE,
                    Account.Kind.COUNTERPARTY,
                ),
                (
                    "county_finance",
                    JournalEntry.Kind.SUBSIDY,
                    gap.county_finance,
                    "县级财政负担缺口",
                    gap.county,
                    Account.Owner.COUNTY_GOVERNMENT,
                    Account.Kind.COUNTERPARTY,
                ),
            ]
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
                adjustment_year=record,
                county=gap.county,
                fund_type=gap.fund,
                revenue=gap.revenue,
                spending=gap.spending,
                contribution=gap.contribution,
                deficit=gap.deficit,
                own_balance=gap.own_balance,
                own_used=gap.own_used,
                adjustment_used=gap.adjustment_used,
                completion=gap.completion,
                county_share=gap.county_share,
                city_finance=gap.city_finance,
                county_finance=gap.county_finance,
            )
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


def _result(
    year: int, record: AdjustmentYear, contributions: int, covers: int, entry_ids: list[int]
) -> AdjustmentYearResult:
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
            year=year,
            adjustment_year=None,
            contributions_created=0,
            contributions_total=ZERO,
            covers_created=0,
            deficits_total=ZERO,
        )
    record, contributions, first_ids = _contributions_book(
        municipality=municipality, year=year, actor=actor
    )
    record, covers, second_ids = _waterfall_run(municipality=municipality, year=year, actor=actor)
    return _result(year, record, contributions, covers, [*first_ids, *second_ids])
