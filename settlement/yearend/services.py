"""The writes of the year end: the two ways a county's deficit is covered.

**Deficit subsidies** (N 三(四)6, J 二(五)2), for counties outside the adjustment-fund model. A
county whose year's fund result (``funds.reports.selectors.county_year_result``) is a deficit
applies in writing; the city agency reviews, the bureau approves, either may return it with a
reason (``DEFICIT_WORKFLOW``; nobody decides on what they submitted). The subsidy is taken
from the county's historical balance first (有历史结余的，从历史结余中解决) — approving the
subsidy is itself the approval to use that frozen money; what is left is shared between the
city fund and the county government (rule ``deficit_city_share``, in force on 31 December of
the year). Risk arising before the county's accession is the county's alone (J 二(五)2): the
part of the deficit from before the accession date is covered by the historical balance first
and its remainder falls wholly on the county government (``selectors.split_deficit``).
Booking at approval, into the county's expenditure account of the fund (where the benefits
are paid): ``transfer`` from the county's fiscal special account (the history), ``subsidy``
from the finance bureau's fiscal special account (the city fund) and ``subsidy`` from the
county government's counterparty account, each entry keyed by the application and layer, so
a replay books nothing twice.

**The adjustment fund** (Z 四(九), DOMAIN §3.2), for the tiers under ``tiered_adjustment``.
Every tier — each county under the model on 31 December and the city level — pays
``adjustment_fund_rate`` (10 %) of the year's actual pooled-fund and maternity collections,
employee and resident, into the city adjustment fund, booked per source and accounted
separately (分别列账、单独核算). A tier whose fund is overdrawn in the year (当期透支) is
covered, in order, by (a) its own accumulated balance, (b) the adjustment fund, (c) city and
county finance, split by how well the tier met its targets. Where the document is silent:

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
  positive: the year's result after the contribution it actually paid.
- **Waterfall**, every layer paid into the tier's expenditure account (支出户, the account
  that pays the benefits):
  (a) own accumulated balance: min(D, the tier's fiscal special account balance less any
  frozen historical balance), kind ``transfer``;
  (b) the adjustment fund: the rest, as far as the fund of that fund type reaches; when the
  deficits of all tiers exceed it, it is shared pro rata to their remaining gaps, rounded
  down to the fen, and the fen left over go to the last tier in code order (up to its gap),
  kind ``adjustment``;
  (c) finance: what is still missing, kind ``subsidy``. County amount = the remaining gap ×
  the county share (``selectors.county_share_for``: the more a county falls short of its
  targets, the more its own finance bears), rounded half-up to the fen; the city pays the
  rest, so the two add up exactly. The city level's gap is borne wholly by city finance.
- **Dates.** The year end runs only once December is closed (``year_end_validate``), so
  the entries post in the first open month after December; the month is fixed at the first
  run, so a rerun replays the same entries.
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
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from funds.history.models import ApplicationStatus
from funds.history.services import frozen_release
from funds.ledger.models import Account, ClosedMonth, FundType, JournalEntry
from funds.ledger.selectors import account_for
from funds.ledger.services import EntrySpec, PostingLine, entries_post_batch
from funds.reports.selectors import county_year_result, county_year_results
from pooling.accounts.models import Role, User
from pooling.core.audit import audit_record
from pooling.core.db import insert_unique
from pooling.core.money import FEN, ZERO, month_start, next_month, round_money
from pooling.rules.selectors import rule_value
from pooling.structure.models import County, Municipality, PoolingModel
from pooling.structure.selectors import pooling_model_for
from settlement.targets.selectors import target_assessments
from settlement.yearend.models import (
    ATTACHMENT_MAX_BYTES,
    ATTACHMENT_TYPES,
    DEFICIT_WORKFLOW,
    AdjustmentContribution,
    AdjustmentYear,
    CoveredDeficit,
    DeficitApplication,
    DeficitCover,
)
from settlement.yearend.selectors import (
    ADJUSTED_FUNDS,
    MATERNITY_FUND,
    DeficitSplit,
    contribution_bases,
    county_share_for,
    historical_balance_of,
    split_deficit,
    tiers_under_adjustment,
)

# Deficit subsidies (N 三(四)6, J 二(五)2) ------------------------------------------------------


def year_end_validate(*, municipality: Municipality, year: int) -> None:
    """Refuse a year end (a deficit application, the adjustment fund) of a year whose
    December is not closed: until the last month of the year is closed its results may still
    change, and a year-end entry locks them. December closes with its monthly cycle, which
    may start only on 31 December (``settlement.cycle.services.cycle_start``)."""
    if not 2000 <= year <= 2100:
        raise ValidationError({"year": _("Enter a year between 2000 and 2100.")})
    december = datetime.date(year, 12, 1)
    if not ClosedMonth.objects.filter(municipality=municipality, month=december).exists():
        raise ValidationError(
            {
                "year": _(
                    "The year end of %(year)s waits for December %(year)s to close: the "
                    "year's results are final only then. Run December's monthly cycle (it "
                    "may start on %(year)s-12-31) and try again."
                )
                % {"year": year}
            }
        )


def _subsidy_model_check(*, county: County, year: int) -> None:
    """Deficit subsidies are defined for counties under unified collection and expenditure
    (N 三(四)6), judged by the model in force on 31 December of the year: a tier under the
    adjustment fund has its deficit covered by the waterfall (Z 四(九)), a tiered county
    keeps its own fund and its own deficit (J 二(五)2)."""
    period = pooling_model_for(county=county, month=datetime.date(year, 12, 31))
    if period is None or period.model != PoolingModel.UNIFIED:
        model = period.get_model_display() if period else _("no pooling model")
        raise ValidationError(
            {
                "county": _(
                    "Deficit subsidies (N 三(四)6) are for counties under unified collection "
                    "and expenditure; %(county)s was under “%(model)s” at the end of "
                    "%(year)s, so its deficit is covered as that model provides (the "
                    "adjustment fund, Z 四(九), or the county's own fund)."
                )
                % {"county": county.name, "model": model, "year": year}
            }
        )


def _already_covered(county: County, fund_type: FundType, year: int) -> ValidationError:
    return ValidationError(
        {
            "year": _(
                "The deficit of %(county)s in %(fund)s for %(year)s is already covered; a "
                "deficit is covered once."
            )
            % {"county": county.name, "fund": fund_type.name, "year": year}
        }
    )


def _cover_register(
    *,
    county: County,
    fund_type: FundType,
    year: int,
    application: DeficitApplication | None = None,
    waterfall_cover: DeficitCover | None = None,
) -> CoveredDeficit:
    """Register the one cover of a county-fund-year deficit; the unique constraint refuses a
    second (``insert_unique`` turns it into a clear error)."""
    mechanism = (
        CoveredDeficit.Mechanism.SUBSIDY
        if application is not None
        else CoveredDeficit.Mechanism.ADJUSTMENT_FUND
    )
    return insert_unique(
        lambda: CoveredDeficit.objects.create(
            municipality_id=county.municipality_id,
            county=county,
            fund_type=fund_type,
            year=year,
            mechanism=mechanism,
            application=application,
            waterfall_cover=waterfall_cover,
        ),
        taken=_already_covered(county, fund_type, year),
    )


def _validate_attachment(upload) -> None:
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


@transaction.atomic(durable=True)
def deficit_apply(
    *, county: County, fund_type: FundType, year: int, reason: str, attachment, actor: User
) -> DeficitApplication:
    """A county applies in writing for the subsidy of its deficit of ``fund_type`` in
    ``year``; the amounts are read from the ledger now and shown on the application. One
    application per county, fund and year is open or approved at a time."""
    if actor.role == Role.COUNTY_OFFICER and actor.county_id != county.pk:
        raise ValidationError({"county": _("You may apply only for your own county.")})
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Give the reason for the application.")})
    _validate_attachment(attachment)
    year_end_validate(municipality=county.municipality, year=year)
    _subsidy_model_check(county=county, year=year)
    if CoveredDeficit.objects.filter(county=county, fund_type=fund_type, year=year).exists():
        raise _already_covered(county, fund_type, year)
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
    taken = ValidationError(
        {"year": _("An application for this fund and year is already open or approved.")}
    )
    if (
        DeficitApplication.objects.filter(county=county, fund_type=fund_type, year=year)
        .exclude(status=ApplicationStatus.RETURNED)
        .exists()
    ):
        raise taken
    application = insert_unique(
        lambda: DeficitApplication.objects.create(
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
        ),
        taken=taken,
    )
    audit_record(
        actor=actor,
        action="settlement.deficit_apply",
        instance=application,
        after={
            "deficit": str(result.deficit),
            "before_accession": str(result.deficit_before_accession),
        },
        municipality=county.municipality,
        county=county,
    )
    return application


def _locked(application: DeficitApplication) -> DeficitApplication:
    return (
        DeficitApplication.objects.select_for_update(of=("self",))
        .select_related("municipality", "county", "fund_type")
        .get(pk=application.pk)
    )


def _audit_decision(
    application: DeficitApplication, *, action: str, before: dict, actor: User
) -> None:
    audit_record(
        actor=actor,
        action=f"settlement.deficit_{action}",
        instance=application,
        before=before,
        after={
            "status": application.status,
            "from_history": str(application.from_history),
            "city_share": str(application.city_share),
            "county_share": str(application.county_share),
        },
        municipality=application.municipality,
        county=application.county,
    )


@transaction.atomic(durable=True)
def deficit_review(*, application: DeficitApplication, actor: User) -> DeficitApplication:
    """The city agency has reviewed a submitted application and passes it to the bureau."""
    application = _locked(application)
    before = DEFICIT_WORKFLOW.transition(
        application, "review", actor=actor, reviewed_by=actor, reviewed_at=timezone.now()
    )
    _audit_decision(application, action="review", before=before, actor=actor)
    return application


@transaction.atomic(durable=True)
def deficit_approve(
    *, application: DeficitApplication, actor: User, today: datetime.date | None = None
) -> DeficitApplication:
    """The bureau approves a reviewed application: the split is fixed (module docstring),
    the historical balance it uses is released from the frozen amount, and the subsidy is
    booked on ``today`` (default: the current day). Only under unified collection and
    expenditure, and only once per county, fund and year (``CoveredDeficit``)."""
    today = today or timezone.localdate()
    application = _locked(application)
    _subsidy_model_check(county=application.county, year=application.year)
    split = split_deficit(
        county=application.county,
        fund=application.fund_type,
        year=application.year,
        deficit=application.deficit,
        before_accession=application.before_accession,
    )
    before = DEFICIT_WORKFLOW.transition(
        application,
        "approve",
        actor=actor,
        decided_by=actor,
        decided_at=timezone.now(),
        from_history=split.from_history,
        city_share=split.city_share,
        county_share=split.county_share,
        city_share_rate=split.city_share_rate,
    )
    _cover_register(
        county=application.county,
        fund_type=application.fund_type,
        year=application.year,
        application=application,
    )
    if split.from_history > 0:
        history = historical_balance_of(county=application.county, fund=application.fund_type)
        frozen_release(balance=history, amount=split.from_history)
    _book(application, split, actor, today)
    _audit_decision(application, action="approve", before=before, actor=actor)
    return application


@transaction.atomic(durable=True)
def deficit_return(
    *, application: DeficitApplication, actor: User, reason: str
) -> DeficitApplication:
    """The agency (before its review) or the bureau (after it) returns an open application,
    saying why; the county may then apply again."""
    application = _locked(application)
    if not reason.strip():
        raise ValidationError({"return_reason": _("Say why the application is returned.")})
    decided = (
        {"reviewed_by": actor, "reviewed_at": timezone.now()}
        if application.status == ApplicationStatus.SUBMITTED
        else {"decided_by": actor, "decided_at": timezone.now()}
    )
    before = DEFICIT_WORKFLOW.transition(
        application, "return", actor=actor, return_reason=reason.strip(), **decided
    )
    _audit_decision(application, action="return", before=before, actor=actor)
    return application


def _book(
    application: DeficitApplication, split: DeficitSplit, actor: User, today: datetime.date
) -> list[int]:
    """Book an approved subsidy's layers into the county's expenditure account of the fund
    (module docstring); a layer of zero books nothing."""
    county, fund = application.county, application.fund_type
    municipality = application.municipality

    def account(holder: County | None, kind: str, owner: str | None = None) -> Account:
        return account_for(
            municipality=municipality, county=holder, kind=kind, fund_code=fund.code, owner=owner
        )

    target = account(county, Account.Kind.EXPENDITURE)
    layers = (
        ("history", JournalEntry.Kind.TRANSFER, split.from_history, "历史结余弥补"),
        ("city", JournalEntry.Kind.SUBSIDY, split.city_share, "市级基金补助"),
        ("county", JournalEntry.Kind.SUBSIDY, split.county_share, "县级政府承担"),
    )
    sources = {
        "history": lambda: account(county, Account.Kind.FISCAL_SPECIAL),
        "city": lambda: account(None, Account.Kind.FISCAL_SPECIAL),
        "county": lambda: account(
            county, Account.Kind.COUNTERPARTY, Account.Owner.COUNTY_GOVERNMENT
        ),
    }
    specs = [
        EntrySpec(
            kind=kind,
            month=month_start(today),
            effective_date=today,
            memo=f"{application.year}年基金缺口 · {label} · {county.name} · {fund.name}",
            idempotency_key=f"deficit:{application.pk}:{layer}",
            lines=[
                PostingLine(account=sources[layer](), amount=-amount),
                PostingLine(account=target, amount=amount),
            ],
            source=application,
            source_label=str(application),
        )
        for layer, kind, amount, label in layers
        if amount > 0
    ]
    return entries_post_batch(municipality=municipality, entries=specs, actor=actor).entry_ids


# The adjustment fund (Z 四(九)) ----------------------------------------------------------------


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
    year_end_validate(municipality=municipality, year=year)
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


def _step_record(
    record: AdjustmentYear, step: str, *, actor: User | None, action: str, after: dict
) -> None:
    """Record that ``step`` (``contributions`` or ``waterfall``) ran, when and by whom (no
    one for a system run), with its audit event."""
    setattr(record, f"{step}_at", timezone.now())
    setattr(record, f"{step}_by", actor if actor is not None and actor.pk else None)
    record.save(update_fields=[f"{step}_at", f"{step}_by"])
    audit_record(
        actor=actor, action=action, instance=record, after=after, municipality=record.municipality
    )


# The contributions


def _contribution_source(
    municipality: Municipality, county: County, fund: FundType, year: int
) -> Account:
    """The account a tier's contribution of ``fund`` is paid from (module docstring): its
    fiscal special account, or the city's for the maternity fund of a district that remits
    its maternity collections to the city."""
    if fund.code == MATERNITY_FUND and _maternity_at_city(municipality, county, year):
        return _account(
            municipality, None, Account.Owner.FINANCE_BUREAU, Account.Kind.FISCAL_SPECIAL, fund
        )
    return _account(municipality, county, Account.Owner.COUNTY, Account.Kind.FISCAL_SPECIAL, fund)


def _contributions_plan(
    record: AdjustmentYear, tiers: list[County]
) -> tuple[list[AdjustmentContribution], list[EntrySpec]]:
    """Every tier's contribution of every adjusted fund (rate × the year's collections), what
    its account can pay of it, and the entries of the paid ones (module docstring)."""
    municipality, year = record.municipality, record.year
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
            source = _contribution_source(municipality, county, fund, year)
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
    return planned, specs


def _contributions_book(
    *, municipality: Municipality, year: int, actor: User | None
) -> tuple[AdjustmentYear, int, list[int]]:
    """Book the contributions of ``year`` once: plan them, post their entries, record the
    rows with their entries and the step, audit. Booked already: nothing happens."""
    record = _year_record(municipality, year)
    if record.contributions_at is not None:
        return record, 0, []
    tiers = tiers_under_adjustment(municipality=municipality, year=year)
    planned, specs = _contributions_plan(record, tiers)
    batch = entries_post_batch(municipality=municipality, entries=specs, actor=actor)
    entry_ids = iter(batch.entry_ids)
    for contribution in planned:
        if contribution.amount > 0:
            contribution.entry_id = next(entry_ids)
    AdjustmentContribution.objects.bulk_create(planned)
    _step_record(
        record,
        "contributions",
        actor=actor,
        action="settlement.adjustment_contributions_book",
        after={
            "year": year,
            "contributions": len(planned),
            "total": str(sum((row.amount for row in planned), ZERO)),
            "shortfall": str(sum((row.shortfall for row in planned), ZERO)),
        },
    )
    return record, len(planned), batch.entry_ids


# The waterfall


@dataclass
class _Gap:
    """A tier's current deficit in one fund and, layer by layer, what covers it."""

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


@dataclass(frozen=True)
class _Layer:
    """One layer of the waterfall: the ``_Gap`` field of its amount, its entry, and the
    account it is paid from (the tier's own, or the city's)."""

    key: str
    amount_field: str
    kind: str
    label: str
    owner: str
    account_kind: str
    tier_account: bool


_LAYERS = (
    _Layer(
        "own",
        "own_used",
        JournalEntry.Kind.TRANSFER,
        "累计结余弥补当期透支",
        Account.Owner.COUNTY,
        Account.Kind.FISCAL_SPECIAL,
        tier_account=True,
    ),
    _Layer(
        "fund",
        "adjustment_used",
        JournalEntry.Kind.ADJUSTMENT,
        "市级调剂金弥补缺口",
        Account.Owner.CITY,
        Account.Kind.ADJUSTMENT_FUND,
        tier_account=False,
    ),
    _Layer(
        "city_finance",
        "city_finance",
        JournalEntry.Kind.SUBSIDY,
        "市财政负担缺口",
        Account.Owner.CITY_FINANCE,
        Account.Kind.COUNTERPARTY,
        tier_account=False,
    ),
    _Layer(
        "county_finance",
        "county_finance",
        JournalEntry.Kind.SUBSIDY,
        "县级财政负担缺口",
        Account.Owner.COUNTY_GOVERNMENT,
        Account.Kind.COUNTERPARTY,
        tier_account=True,
    ),
)


def _current_deficits(record: AdjustmentYear, tiers: list[County]) -> dict[str, list[_Gap]]:
    """Each tier's current deficit per adjusted fund, with layer (a), its own balance, taken;
    by fund code, the tiers in code order. The maternity fund of a district that remits it to
    the city is the city level's, so it is left out."""
    municipality, year = record.municipality, record.year
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
    return gaps_by_fund


def _share_adjustment_fund(gaps: list[_Gap], available: Decimal) -> None:
    """Layer (b): give each gap of one fund its part of the adjustment fund (module
    docstring)."""
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


def _share_finance(
    gap: _Gap, *, municipality: Municipality, year: int, completions: dict[int, Decimal | None]
) -> None:
    """Layer (c): what is still missing after (a) and (b), split between county and city
    finance by the county's target completion; the city level's gap is the city's."""
    if gap.county.kind != County.Kind.CITY_LEVEL:
        gap.completion = completions.get(gap.county.pk)
    rest = gap.after_own - gap.adjustment_used
    if rest <= 0:
        return
    if gap.county.kind == County.Kind.CITY_LEVEL:
        gap.county_share = ZERO
    else:
        gap.county_share = county_share_for(
            municipality=municipality, year=year, completion=gap.completion
        )
    gap.county_finance = round_money(rest * gap.county_share)
    gap.city_finance = rest - gap.county_finance


def _cover_entries(record: AdjustmentYear, gap: _Gap) -> list[tuple[_Layer, EntrySpec]]:
    """The entries of a covered gap: one per layer with an amount, into the tier's
    expenditure account."""
    municipality, fund = record.municipality, gap.fund
    target = _account(
        municipality, gap.county, Account.Owner.COUNTY, Account.Kind.EXPENDITURE, fund
    )
    entries = []
    for layer in _LAYERS:
        amount = getattr(gap, layer.amount_field)
        if amount <= 0:
            continue
        holder = gap.county if layer.tier_account else None
        source = _account(municipality, holder, layer.owner, layer.account_kind, fund)
        entry = EntrySpec(
            kind=layer.kind,
            month=record.posting_month,
            effective_date=record.effective_date,
            memo=f"{record.year}年{layer.label} · {gap.county.name} · {fund.name}",
            idempotency_key=_key(record, layer.key, gap.county, fund),
            lines=[PostingLine(source, -amount), PostingLine(target, amount)],
            source=record,
            source_label=f"{gap.county.name}（{gap.county.code}）",
        )
        entries.append((layer, entry))
    return entries


def _covers_record(
    record: AdjustmentYear, gaps: list[_Gap], entry_ids: dict[int, list[int]]
) -> list[DeficitCover]:
    """One ``DeficitCover`` per gap with the figures of its formula and its entries
    (``entry_ids`` by ``id(gap)``)."""
    covers = []
    for gap in gaps:
        cover = DeficitCover.objects.create(
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
        _cover_register(
            county=gap.county, fund_type=gap.fund, year=record.year, waterfall_cover=cover
        )
        if entry_ids.get(id(gap)):
            cover.entries.add(*entry_ids[id(gap)])
        covers.append(cover)
    return covers


def _waterfall_run(
    *, municipality: Municipality, year: int, actor: User | None
) -> tuple[AdjustmentYear, int, list[int]]:
    """Cover the current deficits of ``year`` once (module docstring), in steps:

    1. lock the year's record: the contributions must be booked; a waterfall already run
       changes nothing;
    2. each tier's current deficit per fund, with (a) its own balance (``_current_deficits``);
    3. per fund, (b) the adjustment fund shared among the gaps (``_share_adjustment_fund``),
       then (c) finance for what is still missing (``_share_finance``);
    4. post every layer's entry in one batch (``_cover_entries``);
    5. record a ``DeficitCover`` per gap with its entries, mark the step run, audit.
    """
    record = _year_record(municipality, year)
    if record.contributions_at is None:
        raise ValidationError(
            _("Book the year's contributions to the adjustment fund before the waterfall.")
        )
    if record.waterfall_at is not None:
        return record, 0, []
    tiers = tiers_under_adjustment(municipality=municipality, year=year)
    gaps_by_fund = _current_deficits(record, tiers)
    completions = {
        assessment.county.pk: assessment.completion
        for assessment in target_assessments(municipality=municipality, year=year, counties=tiers)
    }
    entries: list[tuple[_Gap, EntrySpec]] = []
    for gaps in gaps_by_fund.values():
        pool = _account(
            municipality, None, Account.Owner.CITY, Account.Kind.ADJUSTMENT_FUND, gaps[0].fund
        )
        _share_adjustment_fund(gaps, max(pool.balance, ZERO))
        for gap in gaps:
            _share_finance(gap, municipality=municipality, year=year, completions=completions)
            entries += [(gap, entry) for _layer, entry in _cover_entries(record, gap)]
    batch = entries_post_batch(
        municipality=municipality, entries=[entry for _gap, entry in entries], actor=actor
    )
    entry_ids: dict[int, list[int]] = {}
    for (gap, _entry), entry_id in zip(entries, batch.entry_ids, strict=True):
        entry_ids.setdefault(id(gap), []).append(entry_id)
    gaps = [gap for fund_gaps in gaps_by_fund.values() for gap in fund_gaps]
    covers = _covers_record(record, gaps, entry_ids)
    _step_record(
        record,
        "waterfall",
        actor=actor,
        action="settlement.adjustment_waterfall_run",
        after={
            "year": year,
            "covers": len(covers),
            "deficits": str(sum((cover.deficit for cover in covers), ZERO)),
        },
    )
    return record, len(covers), batch.entry_ids


# The year-end services


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


@transaction.atomic(durable=True)
def adjustment_year_run(
    *, municipality: Municipality, year: int, actor: User | None
) -> AdjustmentYearResult:
    """Run the year end of the adjustment fund for ``year``: first every tier's contribution,
    then the waterfall for every tier in current deficit (module docstring), in one
    transaction. Counties not under ``tiered_adjustment`` are left alone, so a city without
    that model gets an empty result. A second run changes nothing; a failure leaves the
    ledger as it was."""
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
