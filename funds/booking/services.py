"""The ledger side of contributions: collection files, retirees' monthly personal-account
credits and top-ups (DOMAIN §5, §6, §11).

``enrollment`` knows who paid what; this module turns it into balanced entries of the fund
ledger and, in the same transaction, lets ``enrollment`` credit its per-person subledger, so
the personal-account control accounts always equal the subledger (``ledger_verify`` checks).

Accounting decisions (where the documents are silent):

- **Funds.** Pooled fund → 310100, personal-account part → the county's personal-account
  control account in 310200, the fixed per-person premium → the city's fund for it
  (Jining city critical illness 910100, Jinan 大额医疗费救助金 and Zhengzhou employee
  supplementary insurance 330100; ``pooling.structure.presets``). Maternity is merged into the
  employee pooled fund (310100) where the county is under unified collection and expenditure
  (N 三(二)1: 7.4 % = 7 % + 0.4 % of one employee contribution, the Jining model after the
  2019 merger) and kept in its own fund 920100 under the tiered models (Z keeps a maternity
  fund, Z 四(二)); with no pooling model in force it stays separate, since funds are never
  mixed without a rule saying so.
- **Counterparty.** The tax bureau collects (DOMAIN §2): every collection comes from the
  tax-bureau counterparty of the county (of the city for money without a county) in the fund
  it is booked to.
- **Unmatched and over-paid money** is cash that reached the income account, so it is booked
  where the cash is: the county's pooled-fund income account (the city-wide one when the row
  names no known county), in an entry of its own (key suffix ``unallocated``, memo 未匹配),
  so it can be found and later refunded (an income account may pay refunds, 财社〔2017〕144号
  art. 39) or reclassified. The batch's rows say who paid it. It is never dropped.
- **Retiree credits.** See ``retiree_credits_post``.
- **Top-ups** go to the pooled fund only, never to a personal account (N 三(二)3); the
  one-off critical-illness premium of a bankrupt employer goes to 910100.

``collection_batch_post`` and ``retiree_credits_post`` run inside the caller's transaction
when there is one (the monthly cycle posts every ready batch and the retiree credits in its
collections cut-off step), so they are ``atomic`` but not ``durable``; ``top_up_book`` owns
its transaction.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from enrollment.collection_files.models import CollectionBatch
from enrollment.collection_files.selectors import collection_batch_postings
from enrollment.collection_files.services import collection_batch_mark_posted
from enrollment.contributions.models import Assessment
from enrollment.contributions.top_ups import TopUpQuote, top_up_quote
from enrollment.people.models import Employer, InsuredPerson
from enrollment.personal_accounts.models import PersonalAccountMovement
from enrollment.personal_accounts.services import personal_account_credit_retirees
from funds.ledger.models import Account, FundType, JournalEntry
from funds.ledger.services import PERSONAL_ACCOUNT_FUND, EntrySpec, PostingLine, entries_post_batch
from pooling.accounts.models import User
from pooling.core.audit import audit_record
from pooling.core.db import bulk_work_mem
from pooling.core.money import ZERO, month_end, month_start, round_money, validate_month_start
from pooling.structure.models import County, Municipality, PoolingModel
from pooling.structure.selectors import fixed_premium_fund_code_for, pooling_model_for

POOLED_FUND = "310100"
MATERNITY_FUND = "920100"
CRITICAL_ILLNESS_FUND = "910100"
UNALLOCATED = "unallocated"


_PART_LABEL = {
    "pooled_fund": "统筹基金",
    "maternity": "生育保险",
    "personal_account": "个人账户",
    "critical_illness": "大病保险",
    UNALLOCATED: "未匹配或多缴",
}
# Where each part of a collection is booked; maternity depends on the pooling model
# (``maternity_fund_for``).
_PART_FUND = {
    "pooled_fund": POOLED_FUND,
    "personal_account": PERSONAL_ACCOUNT_FUND,
    UNALLOCATED: POOLED_FUND,
}


# The inter-fund clearing account (往来) of a county in the pooled fund and in the
# personal-account fund: the two mirror each other, so their balances always sum to zero.
CLEARING_OWNER = Account.Owner.COUNTY
CLEARING_KIND = Account.Kind.COUNTERPARTY


def _accounts(municipality: Municipality) -> dict[tuple, Account]:
    """Every account of the municipality by (county id or None, owner, kind, fund code)."""
    return {
        (account.county_id, account.owner, account.kind, account.fund_type.code): account
        for account in Account.objects.filter(municipality=municipality).select_related("fund_type")
    }


def _account(
    accounts: dict[tuple, Account], county_id: int | None, owner: str, kind: str, fund: str
) -> Account:
    account = accounts.get((county_id, owner, kind, fund))
    if account is None:
        county = County.objects.filter(pk=county_id).first() if county_id else None
        raise ValidationError(
            _(
                "The %(kind)s of %(holder)s in fund %(fund)s is not open; open the accounts "
                "first. Nothing was posted."
            ),
            code="account_missing",
            params={
                "kind": Account.Kind(kind).label,
                "holder": county.name if county else _("the city level"),
                "fund": fund,
            },
        )
    return account


def maternity_fund_for(*, county: County, month: datetime.date) -> str:
    """Where the county's maternity contributions are booked for ``month`` (module docstring):
    the pooled fund under unified collection and expenditure, the maternity fund otherwise."""
    period = pooling_model_for(county=county, month=month)
    if period is not None and period.model == PoolingModel.UNIFIED:
        return POOLED_FUND
    return MATERNITY_FUND


# ---------------------------------------------------------------------------------------------
# Collections
# ---------------------------------------------------------------------------------------------

# A collection group: (county id or 0, fund, unallocated?) → {part: amount}.
CollectionGroups = dict[tuple[int, str, bool], dict[str, Decimal]]


def _collection_groups(
    batch: CollectionBatch, counties: dict[int, County], month: datetime.date
) -> tuple[CollectionGroups, Decimal]:
    """The batch's amounts grouped by county, fund and unmatched-or-not, and the total of the
    personal-account part (what the subledger must be credited)."""
    groups: CollectionGroups = defaultdict(dict)
    personal_total = ZERO
    fixed_fund = (
        fixed_premium_fund_code_for(municipality=batch.municipality) or CRITICAL_ILLNESS_FUND
    )
    for line in collection_batch_postings(batch=batch):
        if line.part == "maternity":
            fund = maternity_fund_for(county=counties[line.county_id], month=month)
        elif line.part == "critical_illness":
            fund = fixed_fund  # the city's fixed per-person premium fund (DOMAIN §14)
        else:
            fund = _PART_FUND[line.part]
        if line.part == "personal_account":
            personal_total += line.amount
        parts = groups[(line.county_id, fund, line.part == UNALLOCATED)]
        parts[line.part] = parts.get(line.part, ZERO) + line.amount
    return groups, personal_total


def _collection_specs(
    batch: CollectionBatch,
    groups: CollectionGroups,
    counties: dict[int, County],
    effective_date: datetime.date,
) -> list[EntrySpec]:
    """One entry per group, from the tax bureau's counterparty to the holder's income account
    (the personal-account part: to its personal-account control)."""
    accounts = _accounts(batch.municipality)
    specs = []
    for (county_id, fund, unallocated), parts in sorted(groups.items()):
        holder = county_id or None
        total = round_money(sum(parts.values(), ZERO))
        if total == 0:
            continue
        target_kind = (
            Account.Kind.PERSONAL_ACCOUNT_CONTROL
            if fund == PERSONAL_ACCOUNT_FUND
            else Account.Kind.INCOME
        )
        owner = Account.Owner.COUNTY if holder else Account.Owner.CITY
        target = _account(accounts, holder, owner, target_kind, fund)
        tax = _account(accounts, holder, Account.Owner.TAX_BUREAU, Account.Kind.COUNTERPARTY, fund)
        place = counties[holder].code if holder else "city"
        breakdown = "；".join(
            f"{_PART_LABEL[part]} {amount:,.2f}" for part, amount in parts.items()
        )
        holder_name = counties[holder].name if holder else "市本级"
        key = f"collection:{batch.pk}:{place}:{fund}"
        specs.append(
            EntrySpec(
                kind=JournalEntry.Kind.COLLECTION,
                month=month_start(effective_date),
                effective_date=effective_date,
                memo=f"征缴入账 {batch.file_name} · {holder_name}：{breakdown}"[:300],
                idempotency_key=f"{key}:{UNALLOCATED}" if unallocated else key,
                lines=[
                    PostingLine(account=tax, amount=-total),
                    PostingLine(account=target, amount=total),
                ],
                source=batch,
                source_label=batch.file_name[:200],
            )
        )
    return specs


@transaction.atomic
def collection_batch_post(
    *, batch: CollectionBatch, actor: User | None, on: datetime.date | None = None
) -> list[JournalEntry]:
    """Post a ready collection batch to the ledger and mark it posted, all or nothing.

    Steps: 1. lock the batch row; a batch already posted is refused (``already_posted``), so
    a second post changes nothing; 2. read its amounts per county and fund part
    (``enrollment.collection_files.selectors.collection_batch_postings``) and group them into
    one entry per county and fund — tax-bureau counterparty → the county's income account
    (personal-account part: the county's personal-account control in 310200), maternity per
    ``maternity_fund_for`` — plus one entry per county for unmatched money (module
    docstring); 3. post them in one ``entries_post_batch`` with the idempotency keys
    ``collection:<batch>:<county|city>:<fund>[:unallocated]``; 4. call
    ``enrollment.collection_files.services.collection_batch_mark_posted``, which credits the
    per-person subledger, and refuse if it credited a different total than the control
    received.

    ``on`` is the effective date (default today); the entries post in its month. Returns the
    entries, pooled fund first per county.
    """
    bulk_work_mem()
    batch = (
        CollectionBatch.objects.select_for_update().select_related("municipality").get(pk=batch.pk)
    )
    if batch.status != CollectionBatch.Status.READY:
        raise ValidationError(
            _("Collection batch %(batch)s (%(file)s) is already posted; nothing was posted."),
            code="already_posted",
            params={"batch": batch.pk, "file": batch.file_name},
        )
    municipality = batch.municipality
    effective_date = on or timezone.localdate()
    counties = {county.pk: county for county in County.objects.filter(municipality=municipality)}
    groups, personal_total = _collection_groups(batch, counties, month_start(effective_date))
    specs = _collection_specs(batch, groups, counties, effective_date)
    result = entries_post_batch(municipality=municipality, entries=specs, actor=actor)
    collection_batch_mark_posted(batch=batch, actor=actor)
    credited = (
        PersonalAccountMovement.objects.filter(
            collection_batch=batch, reason=PersonalAccountMovement.Reason.CONTRIBUTION
        ).aggregate(total=Sum("amount"))["total"]
        or ZERO
    )
    if credited != personal_total:
        raise ValidationError(
            _(
                "The personal accounts were credited %(credited)s but the control accounts "
                "received %(posted)s; nothing was posted."
            ),
            code="subledger_mismatch",
            params={"credited": credited, "posted": personal_total},
        )
    entries = JournalEntry.objects.in_bulk(result.entry_ids)
    return [entries[pk] for pk in result.entry_ids]


# ---------------------------------------------------------------------------------------------
# Retirees' monthly personal-account credits (DOMAIN §11)
# ---------------------------------------------------------------------------------------------


def clearing_accounts_open(*, municipality: Municipality) -> int:
    """Open, per county, the inter-fund clearing account (往来) in the pooled fund and in the
    personal-account fund, which the retiree credits pass through. Idempotent (the unique
    constraints decide); returns how many were created."""
    funds = {
        fund.code: fund
        for fund in FundType.objects.filter(code__in=[POOLED_FUND, PERSONAL_ACCOUNT_FUND])
    }
    labels = {POOLED_FUND: "往来·划入个人账户", PERSONAL_ACCOUNT_FUND: "往来·统筹基金划入"}
    before = Account.objects.filter(municipality=municipality).count()
    Account.objects.bulk_create(
        [
            Account(
                municipality=municipality,
                county=county,
                owner=CLEARING_OWNER,
                kind=CLEARING_KIND,
                fund_type=fund,
                allow_negative=True,
                name=f"{county.name} · {fund.name} · {labels[code]}",
            )
            for county in County.objects.filter(municipality=municipality).order_by("pk")
            for code, fund in sorted(funds.items())
        ],
        ignore_conflicts=True,
    )
    return Account.objects.filter(municipality=municipality).count() - before


@dataclass(frozen=True)
class RetireeCreditsResult:
    month: datetime.date
    entries: list[JournalEntry]
    credited: int


def _retiree_credits_pending(*, municipality: Municipality, month: datetime.date) -> list[dict]:
    """Per county (``county_id``), the ``total`` and number of ``people`` of the month's
    retiree credits not yet credited."""
    credited = PersonalAccountMovement.objects.filter(
        assessment=OuterRef("pk"), reason=PersonalAccountMovement.Reason.RETIREE_CREDIT
    )
    return list(
        Assessment.objects.filter(
            municipality=municipality, month=month, retiree_account_credit__gt=0
        )
        .exclude(Exists(credited))
        .values("county_id")
        .annotate(total=Sum("retiree_account_credit"), people=Count("pk"))
        .order_by("county_id")
    )


def _retiree_credit_specs(
    *, municipality: Municipality, month: datetime.date, pending: list[dict]
) -> list[EntrySpec]:
    """The two entries per county of ``retiree_credits_post``, keyed by how many of the
    county's retirees were credited for the month before."""
    done_before = dict(
        PersonalAccountMovement.objects.filter(
            person__municipality=municipality,
            month=month,
            reason=PersonalAccountMovement.Reason.RETIREE_CREDIT,
        )
        .values("county_id")
        .annotate(n=Count("pk"))
        .values_list("county_id", "n")
    )
    counties = {county.pk: county for county in County.objects.filter(municipality=municipality)}
    accounts = _accounts(municipality)
    effective_date = min(timezone.localdate(), month_end(month))
    specs = []
    for row in pending:
        county = counties[row["county_id"]]
        total = round_money(row["total"])
        before = done_before.get(county.pk, 0)
        key = f"retiree-credit:{municipality.code}:{month:%Y-%m}:{county.code}:{before}"
        memo = f"{county.name} {month:%Y-%m} 退休人员个人账户划入 {row['people']} 人"
        income = _account(
            accounts, county.pk, Account.Owner.COUNTY, Account.Kind.INCOME, POOLED_FUND
        )
        pooled_clearing = _account(accounts, county.pk, CLEARING_OWNER, CLEARING_KIND, POOLED_FUND)
        personal_clearing = _account(
            accounts, county.pk, CLEARING_OWNER, CLEARING_KIND, PERSONAL_ACCOUNT_FUND
        )
        control = _account(
            accounts,
            county.pk,
            Account.Owner.COUNTY,
            Account.Kind.PERSONAL_ACCOUNT_CONTROL,
            PERSONAL_ACCOUNT_FUND,
        )
        for fund, source, target in (
            (POOLED_FUND, income, pooled_clearing),
            (PERSONAL_ACCOUNT_FUND, personal_clearing, control),
        ):
            specs.append(
                EntrySpec(
                    kind=JournalEntry.Kind.TRANSFER,
                    month=month,
                    effective_date=effective_date,
                    memo=memo,
                    idempotency_key=f"{key}:{fund}",
                    lines=[
                        PostingLine(account=source, amount=-total),
                        PostingLine(account=target, amount=total),
                    ],
                    source=municipality,
                    source_label=f"{month:%Y-%m}",
                )
            )
    return specs


@transaction.atomic
def retiree_credits_post(
    *, municipality: Municipality, month: datetime.date, actor: User | None
) -> RetireeCreditsResult:
    """Move the retirees' monthly personal-account amounts of ``month`` from the pooled fund
    to the personal-account control, per county, and credit each retiree's subledger.

    Accounting (DOMAIN §11): employee insurance is one accounting entity whose pooled fund
    (310100) and personal accounts (310200) this ledger keeps as two books, and no entry may
    move money between books (N 三(四)1). The credit is a transfer out of the month's
    pooled-fund premiums before they are remitted (N 三(四)3 remits the rest, so the income
    account still ends the month at zero), booked as two entries per county:

    1. 310100: the county's pooled-fund income account → the county's clearing account
       (往来·划入个人账户);
    2. 310200: the county's clearing account (往来·统筹基金划入) → the county's
       personal-account control account.

    The two clearing accounts mirror each other (their balances sum to zero). A county whose
    month's pooled-fund income does not cover its credits is refused: the ledger never takes
    an income account below zero, and nothing is posted.

    Idempotent per municipality, month and county: only assessments not yet credited are
    posted (keys ``retiree-credit:<city>:<month>:<county code>:<credited before>``), so a
    second run adds nothing and a retiree assessed later is credited by a later run.
    ``enrollment.personal_accounts.services.personal_account_credit_retirees`` credits the
    subledger in the same transaction; a different number of credits than posted rolls
    everything back.
    """
    validate_month_start(month)
    bulk_work_mem()
    clearing_accounts_open(municipality=municipality)
    pending = _retiree_credits_pending(municipality=municipality, month=month)
    if not pending:
        return RetireeCreditsResult(month=month, entries=[], credited=0)
    specs = _retiree_credit_specs(municipality=municipality, month=month, pending=pending)
    result = entries_post_batch(municipality=municipality, entries=specs, actor=actor)
    expected = sum(row["people"] for row in pending)
    added = personal_account_credit_retirees(municipality=municipality, month=month, actor=actor)
    if added != expected and result.created:
        raise ValidationError(
            _(
                "%(added)s retirees were credited but %(expected)s were posted to the ledger "
                "(an assessment changed meanwhile); nothing was posted. Run it again."
            ),
            code="subledger_mismatch",
            params={"added": added, "expected": expected},
        )
    entries = JournalEntry.objects.in_bulk(result.entry_ids)
    return RetireeCreditsResult(
        month=month, entries=[entries[pk] for pk in result.entry_ids], credited=added
    )


# ---------------------------------------------------------------------------------------------
# Top-ups (N 三(二)3–4)
# ---------------------------------------------------------------------------------------------


def _top_up_specs(
    *,
    person: InsuredPerson,
    employer: Employer | None,
    case: str,
    on: datetime.date,
    quote: TopUpQuote,
) -> list[EntrySpec]:
    """One entry per fund the quote puts money into: the pooled fund, and the critical-illness
    fund for a bankrupt employer's one-off premium."""
    accounts = _accounts(person.municipality)
    payer = employer.name if employer is not None else person.name
    specs = []
    for fund, amount, label in (
        (POOLED_FUND, quote.amount, "补缴统筹基金"),
        (CRITICAL_ILLNESS_FUND, quote.critical_illness_amount, "一次性缴纳大病保险单位部分"),
    ):
        if amount <= 0:
            continue
        tax = _account(
            accounts, person.county_id, Account.Owner.TAX_BUREAU, Account.Kind.COUNTERPARTY, fund
        )
        income = _account(
            accounts, person.county_id, Account.Owner.COUNTY, Account.Kind.INCOME, fund
        )
        specs.append(
            EntrySpec(
                kind=JournalEntry.Kind.TOP_UP,
                month=month_start(on),
                effective_date=on,
                memo=f"{label} {person.name}（{payer}）：{quote.formula}"[:300],
                idempotency_key=f"top-up:{person.pk}:{case}:{fund}",
                lines=[
                    PostingLine(account=tax, amount=-amount),
                    PostingLine(account=income, amount=amount),
                ],
                source=person,
                source_label=f"{person.name} {case}",
            )
        )
    return specs


@transaction.atomic(durable=True)
def top_up_book(
    *,
    person: InsuredPerson,
    case: str,
    on: datetime.date,
    actor: User | None,
    employer: Employer | None = None,
    months_paid: int = 0,
    last_base: Decimal | None = None,
    last_pension: Decimal | None = None,
    birth_date: datetime.date | None = None,
    bankruptcy_date: datetime.date | None = None,
) -> list[JournalEntry]:
    """Book the one-off top-up of N 三(二)3–4 that ``person`` (or ``employer``) paid on ``on``.

    The amount is recomputed with ``enrollment.contributions.top_ups.top_up_quote`` from the
    same inputs, never taken from the client, and posted from the tax-bureau counterparty of
    the person's county to the county's pooled-fund income account (310100) — never to a
    personal account. A bankrupt employer's one-off critical-illness premium goes likewise to
    910100.

    One top-up per person and case: the key is ``top-up:<person>:<case>``; booking the same
    inputs again returns the same entries, other inputs are refused (idempotency conflict).
    """
    if employer is not None and employer.municipality_id != person.municipality_id:
        raise ValidationError({"employer": _("The employer is not of this city.")})
    municipality = person.municipality
    quote = top_up_quote(
        municipality=municipality,
        case=case,
        on=on,
        months_paid=months_paid,
        last_base=last_base,
        last_pension=last_pension,
        birth_date=birth_date or person.birth_date,
        bankruptcy_date=bankruptcy_date or (employer.bankruptcy_date if employer else None),
    )
    specs = _top_up_specs(person=person, employer=employer, case=case, on=on, quote=quote)
    if not specs:
        raise ValidationError(
            _("The top-up comes to nothing; there is nothing to book."), code="nothing_to_book"
        )
    result = entries_post_batch(municipality=municipality, entries=specs, actor=actor)
    if result.created:
        audit_record(
            actor=actor,
            action="funds.top_up_book",
            instance=person,
            after={
                "case": case,
                "amount": str(quote.amount),
                "critical_illness": str(quote.critical_illness_amount),
                "entries": result.entry_ids,
            },
            municipality=municipality,
            county=person.county,
        )
    entries = JournalEntry.objects.in_bulk(result.entry_ids)
    return [entries[pk] for pk in result.entry_ids]
