"""Writes to the fund ledger. Every movement of money in the product goes through
``entry_post`` / ``entries_post_batch``; a mistake is undone only by ``entry_reverse``.

The rules (DOMAIN §6, §11; 财社〔2017〕144号 arts. 39–42):

- each fund is its own book: all postings of an entry belong to one fund;
- an entry's postings sum to zero and no posting is zero;
- an account that may not go negative never does, and one holding a frozen historical
  balance is not taken below it (N 三(四)5);
- a closed month accepts no postings (DOMAIN §10);
- an idempotency key is posted once: the same key with the same inputs returns the first
  entry, with other inputs it is refused.

The services enforce these on every database. On PostgreSQL the database enforces them again
(migration 0003: constraint triggers, composite foreign keys, CHECKs), so raw SQL and bulk
writes that skip this module are refused too. These services run inside the caller's
transaction when there is one (a cycle run posts many entries atomically, a county's
accession opens its accounts), so they are ``atomic`` but not ``durable``; only
``ledger_check_run``, which no other write calls, owns its transaction.
"""

import csv
import datetime
import hashlib
import io
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Case, Model, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from funds.ledger.models import (
    FUND_TYPE_DEFAULTS,
    Account,
    ClosedMonth,
    FundType,
    JournalEntry,
    LedgerCheck,
    Posting,
)
from funds.ledger.selectors import ledger_verify
from pooling.accounts.models import User
from pooling.core.audit import audit_record
from pooling.core.money import MoneyField, month_start, round_money, validate_month_ended
from pooling.structure.models import County, Municipality

# Rows per INSERT when writing postings; large batches stay within parameter limits.
POSTING_INSERT_BATCH = 5000


# Keys per query when looking up idempotency keys of a batch.
KEY_LOOKUP_BATCH = 5000

# Entries from which a batch is staged with COPY on PostgreSQL; a smaller one does not repay
# creating, filling and analysing two temporary tables.
STAGED_BATCH_MIN_ENTRIES = 100


@dataclass(frozen=True)
class PostingLine:
    """One line of an entry to post: ``amount`` > 0 puts money into ``account``, < 0 takes it
    out."""

    account: Account
    amount: Decimal


@dataclass(frozen=True)
class EntrySpec:
    """One entry of a batch for ``entries_post_batch``; the fields mirror ``entry_post``."""

    kind: str
    month: datetime.date
    effective_date: datetime.date
    memo: str
    idempotency_key: str
    lines: Sequence[PostingLine]
    source: Model | None = None
    source_label: str = ""
    reverses: JournalEntry | None = field(default=None, compare=False)


@dataclass(frozen=True)
class BatchResult:
    """What ``entries_post_batch`` did: the entry id of every spec, in order, and how many
    were new or replays of earlier posts."""

    entry_ids: list[int]
    created: int
    replayed: int


# ---------------------------------------------------------------------------------------------
# Fund types and accounts
# ---------------------------------------------------------------------------------------------

_OWNER_LABEL = {
    Account.Owner.CITY: "市级",
    Account.Owner.FINANCE_BUREAU: "市财政局",
    Account.Owner.TAX_BUREAU: "税务局",
    Account.Owner.DESIGNATED_INSTITUTION: "定点医药机构",
    Account.Owner.COUNTY_GOVERNMENT: "县级政府",
    Account.Owner.CITY_FINANCE: "市财政",
    Account.Owner.BANK: "开户银行",
    Account.Owner.PROVINCE: "省级",
}
_KIND_LABEL = {
    Account.Kind.INCOME: "收入户",
    Account.Kind.EXPENDITURE: "支出户",
    Account.Kind.FISCAL_SPECIAL: "财政专户",
    Account.Kind.ADJUSTMENT_FUND: "调剂金户",
    Account.Kind.HISTORICAL_RESERVE: "历年结余",
    Account.Kind.PERSONAL_ACCOUNT_CONTROL: "个人账户汇总",
    Account.Kind.COUNTERPARTY: "往来",
}
PERSONAL_ACCOUNT_FUND = "310200"


# (owner, kind, may go negative). Outside parties are counterparties: their balance is the
# running total of what they paid in (negative) or received, so they may go negative.
COUNTY_ACCOUNT_PLAN: tuple[tuple[str, str, bool], ...] = (
    (Account.Owner.COUNTY, Account.Kind.INCOME, False),
    (Account.Owner.COUNTY, Account.Kind.EXPENDITURE, False),
    (Account.Owner.COUNTY, Account.Kind.FISCAL_SPECIAL, False),
    (Account.Owner.COUNTY, Account.Kind.HISTORICAL_RESERVE, False),
    (Account.Owner.TAX_BUREAU, Account.Kind.COUNTERPARTY, True),
    (Account.Owner.DESIGNATED_INSTITUTION, Account.Kind.COUNTERPARTY, True),
    (Account.Owner.COUNTY_GOVERNMENT, Account.Kind.COUNTERPARTY, True),
)
CITY_ACCOUNT_PLAN: tuple[tuple[str, str, bool], ...] = (
    (Account.Owner.CITY, Account.Kind.INCOME, False),
    (Account.Owner.CITY, Account.Kind.EXPENDITURE, False),
    (Account.Owner.CITY, Account.Kind.ADJUSTMENT_FUND, False),
    (Account.Owner.FINANCE_BUREAU, Account.Kind.FISCAL_SPECIAL, False),
    (Account.Owner.CITY_FINANCE, Account.Kind.COUNTERPARTY, True),
    (Account.Owner.TAX_BUREAU, Account.Kind.COUNTERPARTY, True),
    (Account.Owner.DESIGNATED_INSTITUTION, Account.Kind.COUNTERPARTY, True),
    # The banks pay the funds' interest (N 三(四) 分别计息); the province receives the
    # provincial critical-illness transfer (N 三).
    (Account.Owner.BANK, Account.Kind.COUNTERPARTY, True),
    (Account.Owner.PROVINCE, Account.Kind.COUNTERPARTY, True),
)


def fund_types_ensure() -> list[FundType]:
    """Make sure every fund type of ``FUND_TYPE_DEFAULTS`` exists (the data migration loads
    them; a flushed test database or a new installation may lack them)."""
    FundType.objects.bulk_create(
        [
            FundType(code=code, name=name, name_en=name_en)
            for code, name, name_en in FUND_TYPE_DEFAULTS
        ],
        ignore_conflicts=True,
    )
    return list(FundType.objects.order_by("code"))


def _account_name(*, county: County | None, owner: str, kind: str, fund: FundType) -> str:
    if county is None:
        holder = _OWNER_LABEL[owner]
    elif owner == Account.Owner.COUNTY:
        holder = county.name
    else:
        holder = f"{county.name}{_OWNER_LABEL[owner]}"
    return f"{holder} · {fund.name} · {_KIND_LABEL[kind]}"


def _county_accounts(county: County, funds: list[FundType]) -> list[Account]:
    accounts = []
    for fund in funds:
        plan = list(COUNTY_ACCOUNT_PLAN)
        if fund.code == PERSONAL_ACCOUNT_FUND:
            plan.append((Account.Owner.COUNTY, Account.Kind.PERSONAL_ACCOUNT_CONTROL, False))
        accounts.extend(
            Account(
                municipality_id=county.municipality_id,
                county=county,
                owner=owner,
                kind=kind,
                fund_type=fund,
                allow_negative=allow_negative,
                name=_account_name(county=county, owner=owner, kind=kind, fund=fund),
            )
            for owner, kind, allow_negative in plan
        )
    return accounts


def _insert_missing(accounts: list[Account]) -> int:
    """Insert the accounts that do not exist yet; the unique constraints decide (no
    check-then-act), so two concurrent openings create each account once."""
    if not accounts:
        return 0
    municipality_id = accounts[0].municipality_id
    before = Account.objects.filter(municipality_id=municipality_id).count()
    Account.objects.bulk_create(accounts, ignore_conflicts=True)
    return Account.objects.filter(municipality_id=municipality_id).count() - before


@transaction.atomic
def accounts_open_for_county(*, county: County, actor: User | None) -> int:
    """Open a county's accounts in every fund: income, expenditure, fiscal special and
    historical reserve accounts (N 三(四)2, 5; DOMAIN §11) and the counterparties the money
    comes from or goes to. Idempotent; returns how many accounts were created.

    Runs when a county joins the pool (``pooling.core.hooks.on_county_joined``) and from the demo.
    """
    funds = fund_types_ensure()
    created = _insert_missing(_county_accounts(county, funds))
    if created:
        audit_record(
            actor=actor,
            action="funds.accounts_open",
            instance=county,
            after={"accounts_created": created},
            municipality=county.municipality,
            county=county,
        )
    return created


@transaction.atomic
def accounts_open_for_municipality(*, municipality: Municipality, actor: User | None) -> int:
    """Open the city-wide accounts (city income and expenditure, the adjustment fund, the
    finance bureau's fiscal special account, outside parties) in every fund, and every member
    unit's accounts. Idempotent; returns how many accounts were created."""
    funds = fund_types_ensure()
    accounts = [
        Account(
            municipality=municipality,
            county=None,
            owner=owner,
            kind=kind,
            fund_type=fund,
            allow_negative=allow_negative,
            name=_account_name(county=None, owner=owner, kind=kind, fund=fund),
        )
        for fund in funds
        for owner, kind, allow_negative in CITY_ACCOUNT_PLAN
    ]
    for county in municipality.counties.order_by("code"):
        accounts.extend(_county_accounts(county, funds))
    created = _insert_missing(accounts)
    if created:
        audit_record(
            actor=actor,
            action="funds.accounts_open",
            instance=municipality,
            after={"accounts_created": created},
            municipality=municipality,
        )
    return created


# ---------------------------------------------------------------------------------------------
# Posting
# ---------------------------------------------------------------------------------------------


def _fingerprint(municipality_id: int, spec: EntrySpec, amounts: list[Decimal]) -> str:
    """A hash of everything that makes an entry what it is, so a replay of an idempotency key
    with other inputs is recognised. The actor is left out: a retried task may run as
    another user and is still the same posting. ``amounts`` are the lines' checked amounts
    (``_validate_shape``)."""
    source_type_id = source_id = None
    if spec.source is not None:
        source_type_id = ContentType.objects.get_for_model(spec.source).pk
        source_id = str(spec.source.pk)
    payload = [
        municipality_id,
        spec.kind,
        spec.month.isoformat(),
        spec.effective_date.isoformat(),
        spec.memo,
        [[line.account.pk, str(amount)] for line, amount in zip(spec.lines, amounts, strict=True)],
        source_type_id,
        source_id,
        spec.source_label,
        spec.reverses.pk if spec.reverses is not None else None,
    ]
    return hashlib.sha256(json.dumps(payload, separators=(",", ":")).encode()).hexdigest()


def _amount_of(line: PostingLine, spec: EntrySpec) -> Decimal:
    """The line's amount, refused unless it is an exact, non-zero number of fen."""
    if isinstance(line.amount, float):
        raise ValidationError(
            _("Entry %(key)s: amounts must be Decimal, not float."),
            code="float_amount",
            params={"key": spec.idempotency_key},
        )
    amount = Decimal(line.amount)
    rounded = round_money(amount)
    if amount != rounded:
        raise ValidationError(
            _("Entry %(key)s: %(amount)s is not a whole number of fen."),
            code="fractional_fen",
            params={"key": spec.idempotency_key, "amount": amount},
        )
    return rounded


_KINDS = frozenset(JournalEntry.Kind.values)


def _validate_shape(spec: EntrySpec) -> list[Decimal]:
    """Checks that need no database: kind, month, at least two non-zero lines summing to
    zero. Returns the lines' amounts."""
    key = spec.idempotency_key
    if not key or len(key) > 200:
        raise ValidationError(
            _("An idempotency key of 1 to 200 characters is required."), code="bad_key"
        )
    if spec.kind not in _KINDS:
        raise ValidationError(
            _("Entry %(key)s: unknown kind “%(kind)s”."),
            code="bad_kind",
            params={"key": key, "kind": spec.kind},
        )
    if spec.month.day != 1:
        raise ValidationError(
            _("Entry %(key)s: a month is given as its first day, not %(month)s."),
            code="not_month_start",
            params={"key": key, "month": spec.month.isoformat()},
        )
    if len(spec.lines) < 2:
        raise ValidationError(
            _("Entry %(key)s needs at least two postings."),
            code="too_few_lines",
            params={"key": key},
        )
    total = Decimal("0.00")
    amounts = []
    for line in spec.lines:
        amount = _amount_of(line, spec)
        amounts.append(amount)
        if amount == 0:
            raise ValidationError(
                _("Entry %(key)s: a posting of zero moves nothing; leave it out."),
                code="zero_amount",
                params={"key": key},
            )
        total += amount
    if total != 0:
        raise ValidationError(
            _("Entry %(key)s is unbalanced: its postings sum to %(total)s instead of zero."),
            code="unbalanced",
            params={"key": key, "total": total},
        )
    return amounts


def _closed_months(municipality: Municipality, months: set[datetime.date]) -> set[datetime.date]:
    return set(
        ClosedMonth.objects.filter(municipality=municipality, month__in=months).values_list(
            "month", flat=True
        )
    )


def _refuse_closed(municipality: Municipality, specs: Sequence[EntrySpec]) -> None:
    closed = _closed_months(municipality, {spec.month for spec in specs})
    if closed:
        first = min(closed)
        raise ValidationError(
            _(
                "The month %(month)s is closed and accepts no postings; post the correction in "
                "an open month and name the entry it corrects."
            ),
            code="month_closed",
            params={"month": first.strftime("%Y-%m")},
        )


def _hold_municipality(municipality: Municipality) -> None:
    """Share-lock the municipality row until commit, so ``month_close`` (which locks it for
    update) waits for this posting and this posting sees a close committed before it. SQLite
    serialises writers anyway."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT 1 FROM pooling_municipality WHERE id = %s FOR KEY SHARE", [municipality.pk]
            )


def _refuse_below_frozen(locked: dict[int, Account], running: dict[int, Decimal]) -> None:
    """Refuse a posting that would take an account below its frozen amount: a county's frozen
    historical balance may not be used without an approved release (N 三(四)5). Runs on the
    accounts ``_insert_new`` holds locked, so a concurrent post or release is seen; the
    database CHECK ``account_balance_not_below_frozen`` stays as the backstop."""
    for pk, account in locked.items():
        after = running[pk]
        if account.frozen_amount > 0 and after < account.balance and after < account.frozen_amount:
            _raise_frozen(
                account.name,
                account.frozen_amount,
                round_money(account.balance - after),
                round_money(after),
            )


def _raise_frozen(name: str, frozen: Decimal, amount: Decimal, after: Decimal) -> None:
    """Refuse moving ``amount`` out of the account ``name``, which would leave ``after``
    below its frozen amount ``frozen`` (N 三(四)5)."""
    raise ValidationError(
        _(
            "“%(account)s” holds a frozen historical balance of %(frozen)s; this "
            "movement of %(amount)s would leave %(after)s. The frozen part may only be "
            "used after a release application has been approved (N 三(四)5)."
        ),
        code="frozen_balance",
        params={"account": name, "frozen": frozen, "amount": amount, "after": after},
    )


def _existing_entries(keys: list[str]) -> dict[str, tuple[int, str]]:
    found: dict[str, tuple[int, str]] = {}
    for start in range(0, len(keys), KEY_LOOKUP_BATCH):
        chunk = keys[start : start + KEY_LOOKUP_BATCH]
        for pk, key, input_hash in JournalEntry.objects.filter(
            idempotency_key__in=chunk
        ).values_list("pk", "idempotency_key", "input_hash"):
            found[key] = (pk, input_hash)
    return found


def _refuse_changed_replay(key: str, stored_hash: str, new_hash: str, entry_id: int) -> None:
    if stored_hash != new_hash:
        raise ValidationError(
            _(
                "The idempotency key “%(key)s” was already used for entry #%(entry)s with "
                "different inputs; nothing was posted. Use a new key for a new entry."
            ),
            code="idempotency_conflict",
            params={"key": key, "entry": entry_id},
        )


def _post(
    *,
    municipality: Municipality,
    specs: Sequence[EntrySpec],
    actor: User | None,
    staged: bool = False,
) -> BatchResult:
    """The one posting procedure behind ``entry_post`` and ``entries_post_batch``.

    Steps: (1) check each entry's shape; (2) split replays of known keys from new entries,
    refusing a known key with other inputs; (3) share-lock the municipality row and refuse
    closed months, so a concurrent ``month_close`` cannot slip in between; (4) lock every
    account touched, in primary-key order, so concurrent posts queue instead of deadlocking or
    losing updates; (5) check funds and compute each posting's balance after it, refusing a
    balance below zero where not allowed; (6) insert the entries (the unique key decides a race
    with a concurrent post of the same key); (7) insert the postings and write the accounts'
    final balances in one UPDATE.

    ``staged`` (PostgreSQL only) runs steps 2 and 4–7 set-based over the batch copied into
    temporary tables (``_staged_insert_new``) instead of row by row in Python; the checks,
    their order and their errors are the same.
    """
    hashes: dict[str, str] = {}
    new_specs: list[EntrySpec] = []
    for spec in specs:
        fingerprint = _fingerprint(municipality.pk, spec, _validate_shape(spec))
        if spec.idempotency_key in hashes:
            # The same key twice in one batch: a replay of the earlier one, or a conflict.
            _refuse_changed_replay(
                spec.idempotency_key, hashes[spec.idempotency_key], fingerprint, 0
            )
            continue
        hashes[spec.idempotency_key] = fingerprint
        new_specs.append(spec)

    if staged:
        _stage_entries(municipality=municipality, specs=new_specs, hashes=hashes, actor=actor)
        existing = _staged_existing_entries()
    else:
        existing = _existing_entries(list(hashes))
    for key, (entry_id, stored_hash) in existing.items():
        _refuse_changed_replay(key, stored_hash, hashes[key], entry_id)
    new_specs = [spec for spec in new_specs if spec.idempotency_key not in existing]
    if new_specs:
        _hold_municipality(municipality)
        _refuse_closed(municipality, new_specs)
        insert = _staged_insert_new if staged else _insert_new
        created_ids = insert(
            municipality=municipality,
            specs=new_specs,
            hashes=hashes,
            actor=actor,
            existing=existing,
        )
    else:
        created_ids = {}
    entry_ids = [
        created_ids.get(spec.idempotency_key) or existing[spec.idempotency_key][0] for spec in specs
    ]
    return BatchResult(
        entry_ids=entry_ids, created=len(created_ids), replayed=len(specs) - len(created_ids)
    )


class _CheckedEntry(NamedTuple):
    """A new entry that passed the checks: its fund and, per posting, (account id, amount,
    balance after)."""

    spec: EntrySpec
    fund_id: int
    rows: list[tuple[int, Decimal, Decimal]]


def _insert_new(
    *,
    municipality: Municipality,
    specs: list[EntrySpec],
    hashes: dict[str, str],
    actor: User | None,
    existing: dict[str, tuple[int, str]],
) -> dict[str, int]:
    """Write entries whose keys were not posted before (steps 4–7 of ``_post``); returns
    their ids by key.

    Steps: 1. lock the accounts they touch (``_accounts_lock``); 2. check each entry against
    the locked balances (``_entries_check``) and the frozen amounts
    (``_refuse_below_frozen``); 3. insert the entries (``_entries_insert``) — when a
    concurrent post of one of the keys committed first, report it as a replay or conflict and
    write the rest (``_insert_after_lost_race``); 4. insert the postings and write the final
    balances (``_postings_insert``).
    """
    locked = _accounts_lock(specs)
    running = {pk: account.balance for pk, account in locked.items()}
    checked = _entries_check(municipality=municipality, specs=specs, locked=locked, running=running)
    _refuse_below_frozen(locked, running)
    try:
        entries = _entries_insert(
            municipality=municipality, checked=checked, hashes=hashes, actor=actor
        )
    except IntegrityError:
        won = _existing_entries([spec.idempotency_key for spec in specs])
        if not won:
            raise
        return _insert_after_lost_race(
            municipality=municipality,
            specs=specs,
            hashes=hashes,
            actor=actor,
            existing=existing,
            won=won,
            insert=_insert_new,
        )
    _postings_insert(entries=entries, checked=checked, running=running)
    return {entry.idempotency_key: entry.pk for entry in entries}


def _accounts_lock(specs: Sequence[EntrySpec]) -> dict[int, Account]:
    """Lock every account the entries touch, in primary-key order, so concurrent posts queue
    instead of deadlocking or losing updates; returns them by id with the fields the checks
    read."""
    account_ids = sorted({line.account.pk for spec in specs for line in spec.lines})
    return {
        account.pk: account
        for account in Account.objects.select_for_update()
        .filter(pk__in=account_ids)
        .order_by("pk")
        .only(
            "pk",
            "name",
            "municipality_id",
            "fund_type_id",
            "allow_negative",
            "balance",
            "frozen_amount",
        )
    }


def _entries_check(
    *,
    municipality: Municipality,
    specs: Sequence[EntrySpec],
    locked: dict[int, Account],
    running: dict[int, Decimal],
) -> list[_CheckedEntry]:
    """Check each entry in order against the locked accounts, advancing ``running`` (account
    id → balance) posting by posting: every account belongs to ``municipality``, none that
    may not go negative goes below zero, and all postings of an entry are in one fund (each
    fund its own book, N 三(四)1)."""
    checked = []
    for spec in specs:
        fund_ids = set()
        rows = []
        for line in spec.lines:
            account = locked.get(line.account.pk)
            if account is None or account.municipality_id != municipality.pk:
                raise ValidationError(
                    _("Entry %(key)s: account %(account)s is not an account of %(city)s."),
                    code="foreign_account",
                    params={
                        "key": spec.idempotency_key,
                        "account": line.account.pk,
                        "city": municipality.name,
                    },
                )
            fund_ids.add(account.fund_type_id)
            amount = round_money(line.amount)
            balance = running[account.pk] + amount
            if balance < 0 and not account.allow_negative:
                raise ValidationError(
                    _(
                        "Entry %(key)s would take “%(account)s” below zero by %(short)s "
                        "(balance %(balance)s, posting %(amount)s); nothing was posted."
                    ),
                    code="negative_balance",
                    params={
                        "key": spec.idempotency_key,
                        "account": account.name,
                        "short": -balance,
                        "balance": running[account.pk],
                        "amount": amount,
                    },
                )
            running[account.pk] = balance
            rows.append((account.pk, amount, balance))
        if len(fund_ids) != 1:
            raise ValidationError(
                _(
                    "Entry %(key)s mixes funds; each fund is its own book and no posting may "
                    "move money from one fund to another (N 三(四)1)."
                ),
                code="mixed_funds",
                params={"key": spec.idempotency_key},
            )
        checked.append(_CheckedEntry(spec, fund_ids.pop(), rows))
    return checked


def _entries_insert(
    *,
    municipality: Municipality,
    checked: list[_CheckedEntry],
    hashes: dict[str, str],
    actor: User | None,
) -> list[JournalEntry]:
    """Insert the entries in one statement inside a savepoint. The unique idempotency key
    decides a race with a concurrent post of the same key: the loser gets ``IntegrityError``
    and nothing of this statement stays."""
    entries = [
        JournalEntry(
            municipality=municipality,
            fund_type_id=fund_id,
            kind=spec.kind,
            month=spec.month,
            effective_date=spec.effective_date,
            memo=spec.memo,
            actor=actor if actor is not None and actor.pk else None,
            idempotency_key=spec.idempotency_key,
            input_hash=hashes[spec.idempotency_key],
            source_type=(
                ContentType.objects.get_for_model(spec.source) if spec.source is not None else None
            ),
            source_id=str(spec.source.pk) if spec.source is not None else "",
            source_label=spec.source_label,
            reverses=spec.reverses,
        )
        for spec, fund_id, _rows in checked
    ]
    with transaction.atomic():
        JournalEntry.objects.bulk_create(entries)
    return entries


def _insert_after_lost_race(
    *,
    municipality: Municipality,
    specs: list[EntrySpec],
    hashes: dict[str, str],
    actor: User | None,
    existing: dict[str, tuple[int, str]],
    won: dict[str, tuple[int, str]],
    insert: Callable[..., dict[str, int]],
) -> dict[str, int]:
    """A concurrent post of the keys in ``won`` committed first: report them exactly as if
    they had been seen before (a replay returns the first entry, other inputs are refused),
    add them to ``existing`` and write the remaining entries with ``insert``."""
    for key, (entry_id, stored_hash) in won.items():
        _refuse_changed_replay(key, stored_hash, hashes[key], entry_id)
    existing.update(won)
    remaining = [spec for spec in specs if spec.idempotency_key not in won]
    if not remaining:
        return {}
    return insert(
        municipality=municipality, specs=remaining, hashes=hashes, actor=actor, existing=existing
    )


def _postings_insert(
    *,
    entries: list[JournalEntry],
    checked: list[_CheckedEntry],
    running: dict[int, Decimal],
) -> None:
    """Insert every posting with its balance after it (in batches of
    ``POSTING_INSERT_BATCH``) and write each touched account's final balance in one UPDATE."""
    postings = [
        Posting(
            entry_id=entry.pk,
            account_id=account_id,
            amount=amount,
            balance_after=balance,
            fund_type_id=entry.fund_type_id,
            month=entry.month,
            effective_date=entry.effective_date,
        )
        for entry, (_spec, _fund, rows) in zip(entries, checked, strict=True)
        for account_id, amount, balance in rows
    ]
    Posting.objects.bulk_create(postings, batch_size=POSTING_INSERT_BATCH)
    touched = {posting.account_id for posting in postings}
    Account.objects.filter(pk__in=touched).update(
        balance=Case(
            *[When(pk=pk, then=Value(running[pk])) for pk in sorted(touched)],
            output_field=MoneyField(),
        )
    )


# ---------------------------------------------------------------------------------------------
# Staged posting (PostgreSQL): COPY the batch into temporary tables, check and write set-based
# ---------------------------------------------------------------------------------------------

_STAGE_TABLES_SQL = (
    "DROP TABLE IF EXISTS pg_temp.ledger_stage_entry, pg_temp.ledger_stage_line",
    # ON COMMIT DROP: nothing outlives the transaction, so a pooled connection (PgBouncer in
    # transaction mode) never sees another transaction's tables.
    """
    CREATE TEMPORARY TABLE ledger_stage_entry (
        seq integer PRIMARY KEY,
        idempotency_key varchar(200) NOT NULL UNIQUE,
        input_hash varchar(64) NOT NULL,
        kind varchar(30) NOT NULL,
        month date NOT NULL,
        effective_date date NOT NULL,
        memo varchar(300) NOT NULL,
        source_type_id integer,
        source_id varchar(40) NOT NULL,
        source_label varchar(200) NOT NULL,
        reverses_id bigint,
        entry_id bigint
    ) ON COMMIT DROP
    """,
    """
    CREATE TEMPORARY TABLE ledger_stage_line (
        seq integer NOT NULL,
        line integer NOT NULL,
        account_id bigint,
        amount numeric(18, 2) NOT NULL,
        PRIMARY KEY (seq, line)
    ) ON COMMIT DROP
    """,
)


def _copy_rows(cursor, table: str, columns: str, rows, not_null: str = "") -> None:
    """``COPY`` ``rows`` (tuples) into ``table`` as CSV. ``None`` travels as an unquoted empty
    field, which CSV ``COPY`` reads as NULL; ``not_null`` names the text columns whose empty
    value is an empty string."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    buffer.seek(0)
    options = "FORMAT csv" + (f", FORCE_NOT_NULL ({not_null})" if not_null else "")
    cursor.cursor.copy_expert(f"COPY {table} ({columns}) FROM STDIN WITH ({options})", buffer)


def _stage_entries(
    *,
    municipality: Municipality,
    specs: Sequence[EntrySpec],
    hashes: dict[str, str],
    actor: User | None,
) -> None:
    """Copy the batch's distinct entries (without their lines) into ``ledger_stage_entry``,
    numbered in batch order."""
    with connection.cursor() as cursor:
        for statement in _STAGE_TABLES_SQL:
            cursor.execute(statement)
        rows = []
        for seq, spec in enumerate(specs):
            source = spec.source
            rows.append(
                (
                    seq,
                    spec.idempotency_key,
                    hashes[spec.idempotency_key],
                    spec.kind,
                    spec.month.isoformat(),
                    spec.effective_date.isoformat(),
                    spec.memo,
                    ContentType.objects.get_for_model(source).pk if source is not None else None,
                    str(source.pk) if source is not None else "",
                    spec.source_label,
                    spec.reverses.pk if spec.reverses is not None else None,
                )
            )
        _copy_rows(
            cursor,
            "ledger_stage_entry",
            "seq, idempotency_key, input_hash, kind, month, effective_date, memo,"
            " source_type_id, source_id, source_label, reverses_id",
            rows,
            not_null="idempotency_key, input_hash, memo, source_id, source_label",
        )
        cursor.execute("ANALYZE ledger_stage_entry")


def _staged_existing_entries() -> dict[str, tuple[int, str]]:
    """The staged keys posted before, by key, found in one join on the unique key."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT s.idempotency_key, j.id, j.input_hash
            FROM ledger_stage_entry s
            JOIN funds_journalentry j ON j.idempotency_key = s.idempotency_key
            ORDER BY s.seq
            """
        )
        return {key: (entry_id, input_hash) for key, entry_id, input_hash in cursor.fetchall()}


def _stage_lines(cursor, specs: Sequence[EntrySpec]) -> None:
    """Keep only ``specs`` in ``ledger_stage_entry`` and copy their lines into
    ``ledger_stage_line``."""
    keys = [spec.idempotency_key for spec in specs]
    cursor.execute("DELETE FROM ledger_stage_entry WHERE NOT (idempotency_key = ANY(%s))", [keys])
    cursor.execute("TRUNCATE ledger_stage_line")
    cursor.execute(
        "SELECT idempotency_key, seq FROM ledger_stage_entry WHERE idempotency_key = ANY(%s)",
        [keys],
    )
    seq_of = dict(cursor.fetchall())
    _copy_rows(
        cursor,
        "ledger_stage_line",
        "seq, line, account_id, amount",
        (
            # Amounts were checked to be whole fen (``_validate_shape``).
            (seq_of[spec.idempotency_key], number, line.account.pk, line.amount)
            for spec in specs
            for number, line in enumerate(spec.lines)
        ),
    )
    cursor.execute("ANALYZE ledger_stage_line")


# The first problem of the batch in batch order, as the row-by-row check meets it: per line a
# foreign account, then a balance below zero where not allowed (running balance in batch
# order); after an entry's lines, mixed funds.
_FIRST_PROBLEM_SQL = """
    WITH line AS (
        SELECT l.seq, l.line, l.account_id, l.amount, a.name, a.fund_type_id,
               a.id IS NULL OR a.municipality_id <> %(municipality)s AS foreign_account,
               NOT a.allow_negative
                 AND a.balance + SUM(l.amount) OVER (
                     PARTITION BY l.account_id ORDER BY l.seq, l.line) < 0 AS goes_negative,
               a.balance + SUM(l.amount) OVER (
                   PARTITION BY l.account_id ORDER BY l.seq, l.line) AS balance_after
        FROM ledger_stage_line l
        LEFT JOIN funds_account a ON a.id = l.account_id
    )
    SELECT problem.*, s.idempotency_key FROM (
        SELECT seq, line, CASE WHEN foreign_account THEN 'foreign_account'
                               ELSE 'negative_balance' END AS code,
               account_id, name, amount, balance_after
        FROM line WHERE foreign_account OR goes_negative
        UNION ALL
        SELECT seq, 2147483647, 'mixed_funds', NULL, NULL, NULL, NULL
        FROM line GROUP BY seq HAVING COUNT(DISTINCT fund_type_id) > 1
    ) AS problem
    JOIN ledger_stage_entry s USING (seq)
    ORDER BY problem.seq, problem.line
    LIMIT 1
"""

# The first touched account (by id) that the batch would take below its frozen amount.
_FROZEN_SQL = """
    SELECT a.name, a.frozen_amount, -t.total, a.balance + t.total
    FROM (SELECT account_id, SUM(amount) AS total FROM ledger_stage_line
          GROUP BY account_id) AS t
    JOIN funds_account a ON a.id = t.account_id
    WHERE a.frozen_amount > 0 AND t.total < 0 AND a.balance + t.total < a.frozen_amount
    ORDER BY a.id
    LIMIT 1
"""

# Insert the staged entries in batch order (the unique key decides a race) and note each
# entry's id on its staged row; the entry's fund is the fund of its accounts.
_ENTRIES_INSERT_SQL = """
    WITH new AS (
        INSERT INTO funds_journalentry (municipality_id, fund_type_id, kind, month,
            effective_date, memo, actor_id, idempotency_key, input_hash, source_type_id,
            source_id, source_label, reverses_id, created_at)
        SELECT %(municipality)s, fund.fund_type_id, s.kind, s.month, s.effective_date, s.memo,
               %(actor)s, s.idempotency_key, s.input_hash, s.source_type_id, s.source_id,
               s.source_label, s.reverses_id, %(now)s
        FROM ledger_stage_entry s
        JOIN (SELECT l.seq, MIN(a.fund_type_id) AS fund_type_id
              FROM ledger_stage_line l JOIN funds_account a ON a.id = l.account_id
              GROUP BY l.seq) AS fund USING (seq)
        ORDER BY s.seq
        RETURNING id, idempotency_key
    )
    UPDATE ledger_stage_entry s SET entry_id = new.id
    FROM new WHERE s.idempotency_key = new.idempotency_key
    RETURNING s.idempotency_key, s.entry_id
"""

# Every posting with its balance after it (the locked balance plus the running sum in batch
# order), then each touched account's final balance in one UPDATE.
_POSTINGS_INSERT_SQL = (
    """
    INSERT INTO funds_posting (entry_id, account_id, amount, balance_after, fund_type_id,
        month, effective_date)
    SELECT s.entry_id, l.account_id, l.amount,
           a.balance + SUM(l.amount) OVER (PARTITION BY l.account_id ORDER BY l.seq, l.line),
           a.fund_type_id, s.month, s.effective_date
    FROM ledger_stage_line l
    JOIN ledger_stage_entry s USING (seq)
    JOIN funds_account a ON a.id = l.account_id
    ORDER BY l.seq, l.line
    """,
    """
    UPDATE funds_account a SET balance = a.balance + t.total
    FROM (SELECT account_id, SUM(amount) AS total FROM ledger_stage_line
          GROUP BY account_id) AS t
    WHERE a.id = t.account_id
    """,
)


def _staged_insert_new(
    *,
    municipality: Municipality,
    specs: list[EntrySpec],
    hashes: dict[str, str],
    actor: User | None,
    existing: dict[str, tuple[int, str]],
) -> dict[str, int]:
    """``_insert_new`` set-based over the staged batch (PostgreSQL); returns the new entries'
    ids by key.

    Steps: 1. keep the new entries staged and ``COPY`` their lines; 2. lock the accounts
    they touch in primary-key order; 3. find the batch's first problem in batch order
    (``_FIRST_PROBLEM_SQL``: foreign account, balance below zero, mixed funds) and the first
    account taken below its frozen amount (N 三(四)5), raising the row-by-row path's errors;
    4. insert the entries in one statement inside a savepoint — when a concurrent post of one
    of the keys committed first, report it as a replay or conflict and write the rest
    (``_insert_after_lost_race``); 5. insert the postings and write the final balances.
    """
    with connection.cursor() as cursor:
        _stage_lines(cursor, specs)
        cursor.execute(
            """
            SELECT id FROM funds_account
            WHERE id IN (SELECT DISTINCT account_id FROM ledger_stage_line)
            ORDER BY id FOR UPDATE
            """
        )
        cursor.execute(_FIRST_PROBLEM_SQL, {"municipality": municipality.pk})
        problem = cursor.fetchone()
        if problem is not None:
            _raise_staged_problem(municipality, problem)
        cursor.execute(_FROZEN_SQL)
        frozen = cursor.fetchone()
        if frozen is not None:
            _raise_frozen(*frozen)
        try:
            with transaction.atomic():
                cursor.execute(
                    _ENTRIES_INSERT_SQL,
                    {
                        "municipality": municipality.pk,
                        "actor": actor.pk if actor is not None and actor.pk else None,
                        "now": timezone.now(),
                    },
                )
                created = dict(cursor.fetchall())
        except IntegrityError:
            won = _existing_entries([spec.idempotency_key for spec in specs])
            if not won:
                raise
            return _insert_after_lost_race(
                municipality=municipality,
                specs=specs,
                hashes=hashes,
                actor=actor,
                existing=existing,
                won=won,
                insert=_staged_insert_new,
            )
        for statement in _POSTINGS_INSERT_SQL:
            cursor.execute(statement)
    return created


def _raise_staged_problem(municipality: Municipality, problem: tuple) -> None:
    """Raise the row-by-row path's error for the first problem ``_FIRST_PROBLEM_SQL`` found."""
    _seq, _line, code, account_id, name, amount, balance_after, key = problem
    if code == "foreign_account":
        raise ValidationError(
            _("Entry %(key)s: account %(account)s is not an account of %(city)s."),
            code="foreign_account",
            params={"key": key, "account": account_id, "city": municipality.name},
        )
    if code == "negative_balance":
        raise ValidationError(
            _(
                "Entry %(key)s would take “%(account)s” below zero by %(short)s "
                "(balance %(balance)s, posting %(amount)s); nothing was posted."
            ),
            code="negative_balance",
            params={
                "key": key,
                "account": name,
                "short": -balance_after,
                "balance": balance_after - amount,
                "amount": amount,
            },
        )
    raise ValidationError(
        _(
            "Entry %(key)s mixes funds; each fund is its own book and no posting may "
            "move money from one fund to another (N 三(四)1)."
        ),
        code="mixed_funds",
        params={"key": key},
    )


@transaction.atomic
def entry_post(
    *,
    municipality: Municipality,
    kind: str,
    month: datetime.date,
    effective_date: datetime.date,
    memo: str,
    actor: User | None,
    idempotency_key: str,
    lines: Sequence[PostingLine],
    source: Model | None = None,
    source_label: str = "",
) -> JournalEntry:
    """Post one balanced entry in one fund and return it (see the module docstring for the
    rules and ``_post`` for the steps).

    Posting the same ``idempotency_key`` again with the same inputs returns the original
    entry and changes nothing; with different inputs it raises ``ValidationError``.
    ``source`` is the document that caused the movement (a plan, a cycle run, an import).
    """
    spec = EntrySpec(
        kind=kind,
        month=month,
        effective_date=effective_date,
        memo=memo,
        idempotency_key=idempotency_key,
        lines=lines,
        source=source,
        source_label=source_label,
    )
    return _post_one(municipality=municipality, spec=spec, actor=actor)


def _post_one(*, municipality: Municipality, spec: EntrySpec, actor: User | None) -> JournalEntry:
    result = _post(municipality=municipality, specs=[spec], actor=actor)
    entry = JournalEntry.objects.get(pk=result.entry_ids[0])
    if result.created:
        audit_record(
            actor=actor,
            action=f"funds.entry_{spec.kind}",
            instance=entry,
            after={
                "key": entry.idempotency_key,
                "fund": entry.fund_type_id,
                "month": entry.month.isoformat(),
                "postings": [[line.account.pk, str(line.amount)] for line in spec.lines],
            },
            municipality=municipality,
        )
    return entry


@transaction.atomic
def entries_post_batch(
    *, municipality: Municipality, entries: Sequence[EntrySpec], actor: User | None
) -> BatchResult:
    """Post many entries at once, all or nothing: one lock of all accounts touched, bulk
    inserts of entries and postings, one UPDATE of the balances. Used by monthly runs and
    imports that move hundreds of thousands of postings. Replays of keys already posted are
    returned, not posted again; one bad entry refuses the whole batch.

    On PostgreSQL a batch of ``STAGED_BATCH_MIN_ENTRIES`` or more is copied into temporary
    tables with ``COPY`` and checked and written set-based (``_staged_insert_new``): the same
    rules and errors as the row-by-row path SQLite and small batches keep, without a Python
    object per posting."""
    result = _post(
        municipality=municipality,
        specs=entries,
        actor=actor,
        staged=connection.vendor == "postgresql" and len(entries) >= STAGED_BATCH_MIN_ENTRIES,
    )
    if result.created:
        audit_record(
            actor=actor,
            action="funds.entries_post_batch",
            instance=municipality,
            after={
                "entries_created": result.created,
                "entries_replayed": result.replayed,
                "first_entry": min(result.entry_ids),
                "last_entry": max(result.entry_ids),
            },
            municipality=municipality,
        )
    return result


@transaction.atomic
def entry_reverse(
    *,
    entry: JournalEntry,
    actor: User | None,
    memo: str,
    month: datetime.date | None = None,
    effective_date: datetime.date | None = None,
) -> JournalEntry:
    """Undo ``entry`` by posting its mirror (every amount negated) as a reversal (冲正).

    An entry is reversed at most once and a reversal is not itself reversed: post a new,
    correct entry instead. The reversal posts in ``month`` (default: the entry's own month if
    still open, else the current month) and names the entry it corrects in ``reverses`` and
    its memo, as corrections of a closed month must (DOMAIN §10).
    """
    entry = JournalEntry.objects.select_for_update().select_related("municipality").get(pk=entry.pk)
    if entry.kind == JournalEntry.Kind.REVERSAL:
        raise ValidationError(
            _("Entry #%(entry)s is itself a reversal and cannot be reversed; post a new entry."),
            code="reverse_reversal",
            params={"entry": entry.pk},
        )
    already = JournalEntry.objects.filter(reverses=entry).values_list("pk", flat=True).first()
    if already is not None:
        raise ValidationError(
            _("Entry #%(entry)s was already reversed by entry #%(reversal)s."),
            code="already_reversed",
            params={"entry": entry.pk, "reversal": already},
        )
    today = timezone.localdate()
    if month is None:
        month = entry.month
        if _closed_months(entry.municipality, {month}):
            month = month_start(today)
    spec = EntrySpec(
        kind=JournalEntry.Kind.REVERSAL,
        month=month,
        effective_date=effective_date or today,
        memo=f"冲正 #{entry.pk}: {memo}"[:300],
        idempotency_key=f"reversal:{entry.pk}",
        lines=[
            PostingLine(account=posting.account, amount=-posting.amount)
            for posting in entry.postings.select_related("account").order_by("pk")
        ],
        reverses=entry,
        source_label=f"#{entry.pk}",
    )
    return _post_one(municipality=entry.municipality, spec=spec, actor=actor)


# ---------------------------------------------------------------------------------------------
# Months and checks
# ---------------------------------------------------------------------------------------------


@transaction.atomic
def month_close(
    *, municipality: Municipality, month: datetime.date, actor: User | None
) -> ClosedMonth:
    """Close ``month`` for ``municipality``: it accepts no more postings (DOMAIN §10).

    The municipality row is locked first, so a close waits for postings in flight (their
    entries hold the row through the foreign key) and postings started later see the close.
    A month is closed once; closing it again is refused, and so is closing it before its
    last day (``validate_month_ended``): a closed month is closed for good.
    """
    if month.day != 1:
        raise ValidationError(
            {"month": _("A month is given as its first day, not %(month)s.")},
            params={"month": month.isoformat()},
        )
    validate_month_ended(month)
    Municipality.objects.select_for_update().get(pk=municipality.pk)
    closed, created = ClosedMonth.objects.get_or_create(
        municipality=municipality, month=month, defaults={"closed_by": actor}
    )
    if not created:
        raise ValidationError(
            {"month": _("%(month)s is already closed.")},
            params={"month": month.strftime("%Y-%m")},
        )
    audit_record(
        actor=actor, action="funds.month_close", instance=closed, municipality=municipality
    )
    return closed


@transaction.atomic(durable=True)
def ledger_check_run() -> LedgerCheck:
    """Verify the whole ledger (``funds.ledger.selectors.ledger_verify``) and record the result.
    Read-only on the ledger; the nightly beat task and ``verify_ledger`` call it."""
    started = timezone.now()
    report = ledger_verify()
    return LedgerCheck.objects.create(
        started_at=started,
        finished_at=timezone.now(),
        ok=report.ok,
        accounts_checked=report.accounts_checked,
        postings_checked=report.postings_checked,
        problem_count=report.problem_count,
        report="\n".join(report.lines()),
    )
