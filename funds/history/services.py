"""Writes of historical balances (历史结余), their frozen part and its release (N 三(四)5,
DOMAIN §6).

N 三(四)5: each county's fund balance at the cut-over date (Jining: 2019-12-31) is brought
under city management. 30 % (rule ``historical_balance_city_share``) is collected to the city
at once from the demand deposit; when the demand deposit falls short, the rest follows as the
time deposits mature. The other 70 % stays in the county's fiscal special account, and no
one may use it without approval (未经批准，任何部门单位不得动用暂存基金).

Booking (every movement an idempotent ledger entry):

- **Registration**: an ``opening_balance`` entry brings the whole balance into the county's
  fiscal special account of that fund. The other side is the county government's counterparty
  account, which stands for the county's books before the cut-over (the ledger starts there).
- **Frozen amount**: the account's ``frozen_amount`` rises by the whole balance and falls by
  each collection to the city, each approved release and each deficit subsidy taken from it.
  So it always equals the 70 % still unused plus the city's share still waiting for a time
  deposit to mature: neither may be spent. ``funds.ledger.services`` refuses any posting that
  would take the account below it, and PostgreSQL refuses it again (CHECK
  ``account_balance_not_below_frozen``).
- **Collection to the city**: ``remittance`` entries from the county's fiscal special account
  to the finance bureau's fiscal special account (the city fund): the demand-deposit part at
  registration, each time deposit's planned part when the daily beat job finds it matured.
  The plan is fixed at registration: the demand deposit first, then the deposits in order of
  maturity.
- **Release**: the county applies with amount and reason (``release_apply``), the city agency
  reviews (``release_review``), the bureau approves (``release_approve``); either may return
  it with a reason (``release_return``), and no one decides what they submitted
  (``RELEASE_WORKFLOW``). Approval lowers the frozen amount, leaving the money in the account
  for the county to use through the ordinary flows. The deficit subsidies of
  ``settlement.yearend`` take the frozen part the same way (``frozen_release``).
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from funds.history.models import (
    RELEASE_WORKFLOW,
    ApplicationStatus,
    HistoricalBalance,
    ReleaseApplication,
    TimeDeposit,
)
from funds.ledger.models import Account, FundType, JournalEntry
from funds.ledger.selectors import account_for
from funds.ledger.services import PostingLine, entry_post
from pooling.accounts.models import Role, User
from pooling.core.audit import audit_record
from pooling.core.money import ZERO, month_start, round_money
from pooling.core.workflow import workflow_for
from pooling.rules.selectors import rule_value
from pooling.structure.models import County, Municipality, PoolingModel
from pooling.structure.selectors import pooling_model_for


@dataclass(frozen=True)
class DepositInput:
    """One time deposit as entered with a historical balance."""

    amount: Decimal
    maturity_date: datetime.date
    bank: str
    reference: str = ""


def _county_account(county: County, kind: str, fund: FundType, owner: str | None = None):
    return account_for(
        municipality=county.municipality, county=county, kind=kind, fund_code=fund.code, owner=owner
    )


def _city_fund_account(municipality: Municipality, fund: FundType) -> Account:
    return account_for(
        municipality=municipality,
        county=None,
        kind=Account.Kind.FISCAL_SPECIAL,
        fund_code=fund.code,
    )


def _posting_dates(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    return month_start(today), today


def _collect(
    *,
    balance: HistoricalBalance,
    amount: Decimal,
    key: str,
    memo: str,
    actor: User | None,
    today: datetime.date,
) -> JournalEntry:
    """Move ``amount`` of the city's share to the city fund, lowering the frozen amount first
    (inside the caller's transaction) so the guard lets exactly this movement through."""
    Account.objects.filter(pk=balance.account_id).update(frozen_amount=F("frozen_amount") - amount)
    HistoricalBalance.objects.filter(pk=balance.pk).update(collected=F("collected") + amount)
    month, effective = _posting_dates(today)
    return entry_post(
        municipality=balance.municipality,
        kind=JournalEntry.Kind.REMITTANCE,
        month=month,
        effective_date=effective,
        memo=memo,
        actor=actor,
        idempotency_key=key,
        lines=[
            PostingLine(account=balance.account, amount=-amount),
            PostingLine(
                account=_city_fund_account(balance.municipality, balance.fund_type), amount=amount
            ),
        ],
        source=balance,
        source_label=str(balance),
    )


def _refuse(field: str, message: str, **params) -> None:
    raise ValidationError({field: ValidationError(message, params=params)})


def _check_registration(
    *,
    county: County,
    fund_type: FundType,
    cutover_date: datetime.date,
    demand_deposit: Decimal,
    deposits: list[DepositInput],
) -> None:
    """Refuse a county not under unified collection and expenditure the day after the
    cut-over (the 30/70 split is that model's, N 三(四)5; a tiered county keeps its own
    balance, J 二(五)2), a negative demand deposit, a time deposit without amount or bank or
    maturing by the cut-over date, and a second balance of the same county and fund."""
    period = pooling_model_for(county=county, month=cutover_date + datetime.timedelta(days=1))
    if period is None or period.model != PoolingModel.UNIFIED:
        _refuse(
            "county",
            _(
                "The historical balance is split 30/70 only under unified collection and "
                "expenditure (N 三(四)5); %(county)s is not under that model after the "
                "cut-over date %(date)s."
            ),
            county=county.name,
            date=cutover_date.isoformat(),
        )
    if demand_deposit is None or demand_deposit < 0:
        _refuse("demand_deposit", _("The demand deposit cannot be negative."))
    for deposit in deposits:
        if deposit.amount is None or deposit.amount <= 0:
            _refuse("deposits", _("Every time deposit needs an amount above zero."))
        if deposit.maturity_date <= cutover_date:
            _refuse(
                "deposits",
                _("A time deposit matures after the cut-over date %(date)s."),
                date=cutover_date.isoformat(),
            )
        if not deposit.bank.strip():
            _refuse("deposits", _("Every time deposit needs its bank."))
    if HistoricalBalance.objects.filter(county=county, fund_type=fund_type).exists():
        _refuse(
            "fund_type",
            _("%(county)s already has a historical balance of %(fund)s."),
            county=county.name,
            fund=fund_type.name,
        )


def _deposits_plan(
    *, balance: HistoricalBalance, demand: Decimal, deposits: list[DepositInput]
) -> Decimal:
    """Store the time deposits with the part of the city's share each pays at maturity: the
    demand deposit pays first, then the deposits in order of maturity. Returns the part the
    demand deposit pays now."""
    from_demand = min(demand, balance.city_share)
    remaining = balance.city_share - from_demand
    for deposit in sorted(deposits, key=lambda d: d.maturity_date):
        planned = min(round_money(deposit.amount), remaining)
        remaining -= planned
        TimeDeposit.objects.create(
            balance=balance,
            amount=round_money(deposit.amount),
            maturity_date=deposit.maturity_date,
            bank=deposit.bank.strip(),
            reference=deposit.reference.strip(),
            planned_collection=planned,
        )
    return from_demand


def _opening_book(
    *, balance: HistoricalBalance, actor: User | None, today: datetime.date
) -> JournalEntry:
    """Book the whole balance from the county government's counterparty account into the
    county's fiscal special account and freeze it there (module docstring)."""
    county, fund_type = balance.county, balance.fund_type
    month, effective = _posting_dates(today)
    opening = entry_post(
        municipality=balance.municipality,
        kind=JournalEntry.Kind.OPENING_BALANCE,
        month=month,
        effective_date=effective,
        memo=f"{balance.cutover_date:%Y-%m-%d} 历史结余 · {county.name} · {fund_type.name}",
        actor=actor,
        idempotency_key=f"history:{balance.pk}:opening",
        lines=[
            PostingLine(
                account=_county_account(
                    county, Account.Kind.COUNTERPARTY, fund_type, Account.Owner.COUNTY_GOVERNMENT
                ),
                amount=-balance.total,
            ),
            PostingLine(account=balance.account, amount=balance.total),
        ],
        source=balance,
        source_label=str(balance),
    )
    balance.opening_entry = opening
    balance.save(update_fields=["opening_entry"])
    Account.objects.filter(pk=balance.account_id).update(
        frozen_amount=F("frozen_amount") + balance.total
    )
    return opening


@transaction.atomic(durable=True)
def historical_balance_register(
    *,
    county: County,
    fund_type: FundType,
    cutover_date: datetime.date,
    demand_deposit: Decimal,
    deposits: list[DepositInput],
    actor: User | None,
    today: datetime.date | None = None,
) -> HistoricalBalance:
    """Register a county's balance of one fund at the cut-over date (N 三(四)5; module
    docstring). One balance per county and fund.

    Steps: 1. check the inputs; 2. store the balance with the city's share at the rate of
    ``historical_balance_city_share`` in force ``today``; 3. store the time deposits with the
    part of the share each pays at maturity; 4. book the whole balance into the county's
    fiscal special account and freeze it; 5. collect the demand deposit's part to the city
    at once.
    """
    today = today or timezone.localdate()
    _check_registration(
        county=county,
        fund_type=fund_type,
        cutover_date=cutover_date,
        demand_deposit=demand_deposit,
        deposits=deposits,
    )
    demand = round_money(demand_deposit)
    total = demand + sum((round_money(d.amount) for d in deposits), ZERO)
    if total <= 0:
        _refuse("demand_deposit", _("A historical balance above zero is needed."))
    municipality = county.municipality
    rate = rule_value(
        municipality=municipality, key="historical_balance_city_share", on=today, county=county
    )
    balance = HistoricalBalance.objects.create(
        municipality=municipality,
        county=county,
        fund_type=fund_type,
        cutover_date=cutover_date,
        demand_deposit=demand,
        total=total,
        city_share_rate=rate,
        city_share=round_money(total * rate),
        account=_county_account(county, Account.Kind.FISCAL_SPECIAL, fund_type),
        registered_by=actor,
    )
    from_demand = _deposits_plan(balance=balance, demand=demand, deposits=deposits)
    _opening_book(balance=balance, actor=actor, today=today)
    if from_demand > 0:
        _collect(
            balance=balance,
            amount=from_demand,
            key=f"history:{balance.pk}:demand",
            memo=f"历史结余 {rate:.0%} 归集到市（活期） · {county.name} · {fund_type.name}",
            actor=actor,
            today=today,
        )
    balance.refresh_from_db()
    audit_record(
        actor=actor,
        action="funds.historical_balance_register",
        instance=balance,
        after={
            "total": str(total),
            "city_share": str(balance.city_share),
            "from_demand": str(from_demand),
        },
        municipality=municipality,
        county=county,
    )
    return balance


def time_deposits_collect(
    *, today: datetime.date | None = None, actor: User | None = None
) -> list[int]:
    """Book the city's share of every time deposit matured by ``today`` and not yet collected.
    Each deposit is its own transaction holding its row (``SKIP LOCKED``), so a killed run
    leaves finished deposits booked and the next run does the rest; a rerun finds nothing.
    Returns the entry ids booked."""
    today = today or timezone.localdate()
    due = list(
        TimeDeposit.objects.filter(
            maturity_date__lte=today, collection_entry__isnull=True, planned_collection__gt=0
        )
        .order_by("maturity_date", "pk")
        .values_list("pk", flat=True)
    )
    booked = []
    for pk in due:
        with transaction.atomic():
            deposit = (
                TimeDeposit.objects.select_for_update(skip_locked=True)
                .filter(pk=pk, collection_entry__isnull=True)
                .first()
            )
            if deposit is None:
                continue
            balance = HistoricalBalance.objects.select_related(
                "municipality", "county", "fund_type", "account"
            ).get(pk=deposit.balance_id)
            entry = _collect(
                balance=balance,
                amount=deposit.planned_collection,
                key=f"history:{balance.pk}:deposit:{deposit.pk}",
                memo=f"历史结余归集到市（定期到期 {deposit.maturity_date:%Y-%m-%d} "
                f"{deposit.bank}） · {balance.county.name} · {balance.fund_type.name}",
                actor=actor,
                today=today,
            )
            deposit.collection_entry = entry
            deposit.collected_at = timezone.now()
            deposit.save(update_fields=["collection_entry", "collected_at"])
            audit_record(
                actor=actor,
                action="funds.time_deposit_collect",
                instance=deposit,
                after={"amount": str(deposit.planned_collection), "entry": entry.pk},
                municipality=balance.municipality,
                county=balance.county,
            )
            booked.append(entry.pk)
    return booked


def frozen_release(*, balance: HistoricalBalance, amount: Decimal) -> None:
    """Lower the frozen 70 % of ``balance`` by ``amount`` (an approved release or deficit
    subsidy), refusing more than is left. Runs inside the caller's transaction."""
    locked = HistoricalBalance.objects.select_for_update().get(pk=balance.pk)
    if amount > locked.frozen_available:
        _refuse(
            "amount",
            _("Only %(left)s of the frozen historical balance is left."),
            left=locked.frozen_available,
        )
    HistoricalBalance.objects.filter(pk=balance.pk).update(released=F("released") + amount)
    Account.objects.filter(pk=locked.account_id).update(frozen_amount=F("frozen_amount") - amount)


@transaction.atomic(durable=True)
def release_apply(
    *, balance: HistoricalBalance, amount: Decimal, reason: str, actor: User
) -> ReleaseApplication:
    """A county applies to use ``amount`` of its frozen historical balance."""
    if actor.role == Role.COUNTY_OFFICER and actor.county_id != balance.county_id:
        _refuse("balance", _("You may apply only for your own county."))
    if amount is None or amount <= 0:
        _refuse("amount", _("The amount must be above zero."))
    if not (reason or "").strip():
        _refuse("reason", _("Give the reason for the release."))
    amount = round_money(amount)
    if amount > balance.frozen_available:
        _refuse(
            "amount",
            _("Only %(left)s of the frozen historical balance is left."),
            left=balance.frozen_available,
        )
    application = ReleaseApplication.objects.create(
        municipality=balance.municipality,
        county=balance.county,
        balance=balance,
        amount=amount,
        reason=reason.strip(),
        submitted_by=actor,
    )
    audit_record(
        actor=actor,
        action="funds.release_apply",
        instance=application,
        after={"amount": str(amount)},
        municipality=balance.municipality,
        county=balance.county,
    )
    return application


def application_return(application, *, actor: User, reason: str) -> dict | None:
    """Take the ``return`` step of a written (release or deficit) application's workflow
    (``funds.history.models.application_transitions``): the agency returns a submitted
    application and is recorded as its reviewer, the bureau a reviewed one and is recorded as
    its decider; the reason is required. Runs inside the caller's transaction and returns the
    snapshot from before, for the audit event."""
    reason = (reason or "").strip()
    if not reason:
        _refuse("return_reason", _("Say why the application is returned."))
    locked = type(application).objects.select_for_update().only("status").get(pk=application.pk)
    step = "reviewed" if locked.status == ApplicationStatus.SUBMITTED else "decided"
    return workflow_for(application).transition(
        application,
        "return",
        actor=actor,
        return_reason=reason,
        **{f"{step}_by": actor, f"{step}_at": timezone.now()},
    )


def _release_audit(application: ReleaseApplication, action: str, before, actor: User) -> None:
    """The one audit event of a step of a release application."""
    audit_record(
        actor=actor,
        action=f"funds.release_{action}",
        instance=application,
        before=before,
        municipality=application.municipality,
        county=application.county,
    )


@transaction.atomic(durable=True)
def release_review(*, application: ReleaseApplication, actor: User) -> ReleaseApplication:
    """The city agency has checked a submitted application and passes it to the bureau."""
    before = RELEASE_WORKFLOW.transition(
        application, "review", actor=actor, reviewed_by=actor, reviewed_at=timezone.now()
    )
    _release_audit(application, "review", before, actor)
    return application


@transaction.atomic(durable=True)
def release_approve(*, application: ReleaseApplication, actor: User) -> ReleaseApplication:
    """The bureau approves a reviewed application: the frozen amount falls by the amount
    released, refused when less is left (N 三(四)5)."""
    before = RELEASE_WORKFLOW.transition(
        application, "approve", actor=actor, decided_by=actor, decided_at=timezone.now()
    )
    frozen_release(balance=application.balance, amount=application.amount)
    _release_audit(application, "approve", before, actor)
    return application


@transaction.atomic(durable=True)
def release_return(
    *, application: ReleaseApplication, actor: User, reason: str
) -> ReleaseApplication:
    """The agency or the bureau returns an open application with ``reason``."""
    before = application_return(application, actor=actor, reason=reason)
    _release_audit(application, "return", before, actor)
    return application
