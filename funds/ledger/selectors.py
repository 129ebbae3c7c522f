"""Reads of the fund ledger shared by pages, the API, exports, tasks and later apps."""

import datetime
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Sum, Window
from django.db.models.functions import Coalesce, Round

from enrollment.personal_accounts.models import PersonalAccountMovement
from funds.ledger.models import Account, FundType, JournalEntry, LedgerCheck, Posting
from pooling.accounts.models import Role, User
from pooling.core.access import scope_queryset
from pooling.core.money import ZERO
from pooling.structure.models import County, Municipality

# How many differences of each sort a verification report lists in full.
REPORT_LIMIT = 50
# Rows read per round trip when an export streams a list.
EXPORT_CHUNK = 2000


def account_for(
    *,
    municipality: Municipality,
    county: County | None,
    kind: str,
    fund_code: str,
    owner: str | None = None,
) -> Account:
    """The account of ``kind`` in fund ``fund_code`` held by ``county`` (None: city-wide).

    ``owner`` defaults to the county for a county, the finance bureau for the city's fiscal
    special account and the city otherwise; outside parties must be named
    (``Account.Owner.TAX_BUREAU`` …). Raises ``Account.DoesNotExist`` when not opened.
    """
    if owner is None:
        if county is not None:
            owner = Account.Owner.COUNTY
        elif kind == Account.Kind.FISCAL_SPECIAL:
            owner = Account.Owner.FINANCE_BUREAU
        else:
            owner = Account.Owner.CITY
    return Account.objects.select_related("fund_type").get(
        municipality=municipality,
        county=county,
        owner=owner,
        kind=kind,
        fund_type__code=fund_code,
    )


def accounts_for(*, user: User) -> QuerySet[Account]:
    """Accounts the user may read: a county officer their county's, others their city's."""
    return scope_queryset(
        Account.objects.select_related("fund_type", "county"),
        user,
        county_field="county",
        municipality_field="municipality",
    )


def entries_for(*, user: User) -> QuerySet[JournalEntry]:
    """Entries the user may read. A county officer reads the entries that touch an account of
    their county (a remittance shows both its county and its city side)."""
    queryset = JournalEntry.objects.select_related("fund_type", "actor")
    if getattr(user, "role", None) == Role.COUNTY_OFFICER and user.county_id:
        return queryset.filter(
            Exists(Posting.objects.filter(entry=OuterRef("pk"), account__county=user.county_id))
        )
    return scope_queryset(queryset, user, county_field=None, municipality_field="municipality")


def postings_for(*, user: User) -> QuerySet[Posting]:
    """Postings the user may read: on their county's accounts for a county officer."""
    return scope_queryset(
        Posting.objects.select_related("account", "entry", "fund_type"),
        user,
        county_field="account__county",
        municipality_field="account__municipality",
    )


def fund_types() -> QuerySet[FundType]:
    return FundType.objects.order_by("code")


def ledger_checks() -> QuerySet[LedgerCheck]:
    return LedgerCheck.objects.all()


# ---------------------------------------------------------------------------------------------
# Keyset pages
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StatementPage:
    """One page of an account statement, oldest first. ``next_cursor`` (effective date and
    posting id of the last row) fetches the next page; None on the last page."""

    postings: list[Posting]
    next_cursor: str | None


def parse_statement_cursor(text: str | None) -> tuple[datetime.date, int] | None:
    """``2026-01-31.12345`` → (date, id); anything malformed is the first page."""
    if not text:
        return None
    try:
        day, _, pk = text.partition(".")
        return datetime.date.fromisoformat(day), int(pk)
    except ValueError:
        return None


def statement_postings(
    *,
    account: Account,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
) -> QuerySet[Posting]:
    """The account's postings in statement order (effective date, then booking order) within
    the date range. Each row's ``balance_after`` is the balance right after it was booked."""
    queryset = Posting.objects.filter(account=account).select_related("entry")
    if date_from:
        queryset = queryset.filter(effective_date__gte=date_from)
    if date_to:
        queryset = queryset.filter(effective_date__lte=date_to)
    return queryset.order_by("effective_date", "id")


def account_statement(
    *,
    account: Account,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
    cursor: str | None = None,
    limit: int = 100,
) -> StatementPage:
    """A keyset page of the account's statement: the ``limit`` postings after ``cursor``.

    Keyset, not OFFSET: every page is one range scan of the index (account, effective_date,
    id), as fast on page 10,000 as on page 1 with millions of postings.
    """
    queryset = statement_postings(account=account, date_from=date_from, date_to=date_to)
    after = parse_statement_cursor(cursor)
    if after is not None:
        day, pk = after
        queryset = queryset.filter(effective_date__gte=day).filter(
            Q(effective_date__gt=day) | Q(id__gt=pk)
        )
    rows = list(queryset[: limit + 1])
    next_cursor = None
    if len(rows) > limit:
        rows = rows[:limit]
        next_cursor = f"{rows[-1].effective_date.isoformat()}.{rows[-1].pk}"
    return StatementPage(postings=rows, next_cursor=next_cursor)


def entries_page(
    *, queryset: QuerySet[JournalEntry], before: int | None, limit: int = 100
) -> tuple[list[JournalEntry], int | None]:
    """A keyset page of entries, newest first: the ``limit`` entries with an id below
    ``before``, and the cursor of the next page (None on the last)."""
    queryset = queryset.order_by("-id")
    if before:
        queryset = queryset.filter(id__lt=before)
    rows = list(queryset[: limit + 1])
    if len(rows) > limit:
        return rows[:limit], rows[limit - 1].pk
    return rows, None


def entry_amounts(entries: list[JournalEntry]) -> dict[int, Decimal]:
    """Each entry's amount (the sum of its money-in postings, which equals its money out: an
    entry balances), in one query for a page of entries."""
    rows = (
        Posting.objects.filter(entry_id__in=[entry.pk for entry in entries], amount__gt=0)
        .values("entry_id")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    return {row["entry_id"]: row["total"] for row in rows}


# ---------------------------------------------------------------------------------------------
# Export rows (the pages' CSV and XLSX downloads, in the order of their headers)
# ---------------------------------------------------------------------------------------------


def _labels(choices) -> dict[str, str]:
    return {value: str(label) for value, label in choices}


def statement_export_rows(
    *,
    account: Account,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
) -> Iterator[tuple]:
    """The statement's postings as (effective date, entry, kind, memo, amount, balance
    after), streamed."""
    kinds = _labels(JournalEntry.Kind.choices)
    rows = statement_postings(account=account, date_from=date_from, date_to=date_to).values_list(
        "effective_date", "entry_id", "entry__kind", "entry__memo", "amount", "balance_after"
    )
    for day, entry_id, kind, memo, amount, balance in rows.iterator(chunk_size=EXPORT_CHUNK):
        yield day, entry_id, kinds[kind], memo, amount, balance


def entry_export_rows(entries: QuerySet[JournalEntry]) -> Iterator[tuple]:
    """``entries`` newest first as (entry, effective date, month, fund, kind, memo, source,
    actor, reversed entry), streamed."""
    kinds = _labels(JournalEntry.Kind.choices)
    rows = entries.order_by("-id").values_list(
        "pk",
        "effective_date",
        "month",
        "fund_type__code",
        "kind",
        "memo",
        "source_label",
        "actor__username",
        "reverses_id",
    )
    for pk, day, month, code, kind, memo, label, actor, reverses in rows.iterator(
        chunk_size=EXPORT_CHUNK
    ):
        yield (
            pk,
            day,
            month.strftime("%Y-%m"),
            code,
            kinds[kind],
            memo,
            label,
            actor or "",
            reverses or "",
        )


# ---------------------------------------------------------------------------------------------
# Verification
# ---------------------------------------------------------------------------------------------


@dataclass
class LedgerReport:
    """What ``ledger_verify`` found. ``ok`` only when every list is empty."""

    accounts_checked: int = 0
    postings_checked: int = 0
    account_differences: list[tuple[int, str, Decimal, Decimal]] = field(default_factory=list)
    running_differences: list[tuple[int, int, Decimal, Decimal]] = field(default_factory=list)
    running_difference_count: int = 0
    unbalanced_entries: list[tuple[int, Decimal]] = field(default_factory=list)
    mixed_fund_entries: list[int] = field(default_factory=list)
    unbalanced_funds: list[tuple[str, Decimal]] = field(default_factory=list)
    negative_accounts: list[tuple[int, str, Decimal]] = field(default_factory=list)
    personal_account_differences: list[tuple[int, str, Decimal, Decimal]] = field(
        default_factory=list
    )

    @property
    def problem_count(self) -> int:
        return (
            len(self.account_differences)
            + self.running_difference_count
            + len(self.unbalanced_entries)
            + len(self.mixed_fund_entries)
            + len(self.unbalanced_funds)
            + len(self.negative_accounts)
            + len(self.personal_account_differences)
        )

    @property
    def ok(self) -> bool:
        return self.problem_count == 0

    def lines(self) -> list[str]:
        out = [
            f"Checked {self.accounts_checked} accounts and {self.postings_checked} postings.",
        ]
        for pk, name, stored, computed in self.account_differences:
            out.append(
                f"Account #{pk} {name}: balance {stored} but postings sum to {computed} "
                f"(difference {stored - computed})."
            )
        for pk, account_id, stored, computed in self.running_differences:
            out.append(
                f"Posting #{pk} on account #{account_id}: balance_after {stored} but the "
                f"running balance is {computed}."
            )
        hidden = self.running_difference_count - len(self.running_differences)
        if hidden > 0:
            out.append(f"… and {hidden} more postings with a wrong balance_after.")
        for pk, total in self.unbalanced_entries:
            out.append(f"Entry #{pk}: postings sum to {total}, not zero.")
        for pk in self.mixed_fund_entries:
            out.append(f"Entry #{pk}: postings in more than one fund or not the entry's fund.")
        for code, total in self.unbalanced_funds:
            out.append(f"Fund {code}: debits and credits differ by {total}.")
        for pk, name, balance in self.negative_accounts:
            out.append(f"Account #{pk} {name}: balance {balance} below zero, not allowed.")
        for pk, name, control, subledger in self.personal_account_differences:
            out.append(
                f"Account #{pk} {name}: control {control} but the personal accounts sum to "
                f"{subledger} (difference {control - subledger})."
            )
        out.append("OK" if self.ok else f"FAILED: {self.problem_count} problems.")
        return out


def ledger_verify(*, municipality: Municipality | None = None) -> LedgerReport:
    """Recompute the ledger from its postings, set-based (the nightly check and ``verify_ledger``):

    1. every account's balance equals the sum of its postings;
    2. every posting's ``balance_after`` equals the running sum of its account's postings in
       booking (id) order;
    3. every entry's postings sum to zero and lie in the entry's one fund, as do their
       accounts (each fund its own book, N 三(四)1);
    4. every fund's debits equal its credits;
    5. no account that may not go negative is below zero;
    6. every county's personal-account control account equals the sum of its people's
       personal-account subledger.
    """
    report = LedgerReport()
    accounts = Account.objects.all()
    postings = Posting.objects.all()
    entries = JournalEntry.objects.all()
    if municipality is not None:
        accounts = accounts.filter(municipality=municipality)
        postings = postings.filter(account__municipality=municipality)
        entries = entries.filter(municipality=municipality)
    report.accounts_checked = accounts.count()
    report.postings_checked = postings.count()

    sums = dict(
        postings.values("account").annotate(total=Sum("amount")).values_list("account", "total")
    )
    for pk, name, balance in accounts.order_by("pk").values_list("pk", "name", "balance"):
        computed = sums.get(pk) or ZERO
        if balance != computed:
            report.account_differences.append((pk, name, balance, computed))

    # Rounded to the fen before comparing: SQLite sums decimals as floats (635522.680000000),
    # PostgreSQL's numeric sums are exact and unchanged by the rounding.
    running = postings.annotate(
        running=Round(
            Window(Sum("amount"), partition_by=[F("account_id")], order_by=F("id").asc()), 2
        )
    ).exclude(balance_after=F("running"))
    report.running_difference_count = running.count()
    report.running_differences = [
        (pk, account_id, stored, computed)
        for pk, account_id, stored, computed in running.order_by("id").values_list(
            "pk", "account_id", "balance_after", "running"
        )[:REPORT_LIMIT]
    ]

    report.unbalanced_entries = list(
        entries.annotate(total=Round(Coalesce(Sum("postings__amount"), ZERO), 2))
        .exclude(total=0)
        .order_by("pk")
        .values_list("pk", "total")[:REPORT_LIMIT]
    )
    report.mixed_fund_entries = list(
        entries.filter(
            Exists(
                Posting.objects.filter(entry=OuterRef("pk")).filter(
                    ~Q(fund_type=OuterRef("fund_type"))
                    | ~Q(account__fund_type=OuterRef("fund_type"))
                )
            )
        )
        .order_by("pk")
        .values_list("pk", flat=True)[:REPORT_LIMIT]
    )
    report.unbalanced_funds = list(
        postings.values("fund_type__code")
        .annotate(total=Round(Sum("amount"), 2), n=Count("id"))
        .exclude(total=0)
        .order_by("fund_type__code")
        .values_list("fund_type__code", "total")
    )
    report.negative_accounts = list(
        accounts.filter(allow_negative=False, balance__lt=0).values_list("pk", "name", "balance")
    )
    report.personal_account_differences = _personal_account_differences(accounts)
    return report


def _personal_account_differences(
    accounts: QuerySet[Account],
) -> list[tuple[int, str, Decimal, Decimal]]:
    """Control accounts whose balance differs from their county's subledger total, and
    subledger money in a county that has no control account (account id 0)."""
    controls = accounts.filter(kind=Account.Kind.PERSONAL_ACCOUNT_CONTROL)
    subledger = dict(
        PersonalAccountMovement.objects.filter(
            person__municipality__in=accounts.values("municipality")
        )
        .values("county")
        .annotate(total=Sum("amount"))
        .values_list("county", "total")
    )
    differences = []
    for pk, county_id, name, balance in controls.order_by("pk").values_list(
        "pk", "county_id", "name", "balance"
    ):
        total = subledger.pop(county_id, None) or ZERO
        if balance != total:
            differences.append((pk, name, balance, total))
    for county_id, total in sorted(subledger.items()):
        if total:
            differences.append((0, f"county #{county_id} without a control account", ZERO, total))
    return differences[:REPORT_LIMIT]
