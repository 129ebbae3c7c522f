"""``python manage.py benchmark_ledger --postings N`` (PostgreSQL): build a ledger of N postings
set-based, then measure batch posting through ``entries_post_batch``, an account statement
page and a balance read.

The N postings are written by two INSERT … SELECT statements over ``generate_series`` (no
per-row ORM) with correct running balances, in transactions of ``--chunk`` postings so memory
and the commit-time work stay bounded. Half of them land on one hot account (任城区
pooled-fund income account) so its statement has N/2 rows; the rest spread over every county
and fund. Run it on a scratch database.

Loading 20,000,000 postings through the per-row checks (deferred balance triggers and
foreign keys, about five per posting) takes over an hour, which is the batch-posting figure's
business, not the read figures'. So when the database role may, the history is loaded as
``pg_restore`` loads a dump (``session_replication_role = replica``: row triggers and
foreign-key checks off for these statements only, CHECK and UNIQUE constraints still on),
and then **proved** set-based before anything is measured: ``ledger_verify`` (balances,
running balances, balanced entries, one fund per entry), every entry has at least two
postings, and no posting points at a missing entry or account. ``--checked-load`` loads
through every trigger instead. Batch posting is always measured through
``entries_post_batch`` with every check on (on PostgreSQL the batch is staged with ``COPY`` and
checked set-based), commit and its deferred triggers included. ``--json FILE`` writes the
figures (``postings_per_second`` among them) beside pgledger's published ~10,600 transfers/s
(two postings per transfer), the reference the issue compares against.
"""

import datetime
import json
import random
import statistics
import time
from decimal import Decimal
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction

from funds.ledger import selectors, services
from funds.ledger.models import Account, JournalEntry
from funds.ledger.services import EntrySpec, PostingLine
from pooling.structure.demo import seed_structure
from pooling.structure.presets import CITIES

# pgledger's published throughput (transfers/s, each a debit and a credit posting), the
# reference the batch-posting figure is compared with.
PGLEDGER_TRANSFERS_PER_SECOND = 10_600


def _percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[int(len(ordered) * 0.95) - 1]


class Command(BaseCommand):
    help = "Benchmark the ledger at N postings (PostgreSQL, scratch database)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--postings", type=int, default=1_000_000)
        parser.add_argument("--batch-entries", type=int, default=10_000)
        parser.add_argument("--samples", type=int, default=200)
        parser.add_argument(
            "--chunk", type=int, default=2_000_000, help="postings per loading transaction"
        )
        parser.add_argument("--json", dest="json_path", type=Path, help="write the figures here")
        parser.add_argument(
            "--checked-load",
            action="store_true",
            help="load through every trigger and foreign key (slow)",
        )

    def handle(
        self,
        *args,
        postings: int,
        batch_entries: int,
        samples: int,
        chunk: int,
        checked_load: bool,
        json_path: Path | None = None,
        **options,
    ):
        if connection.vendor != "postgresql":
            raise CommandError("benchmark_ledger needs PostgreSQL (set DATABASE_URL).")
        municipality = seed_structure(CITIES["jining"], log=lambda message: None)
        services.accounts_open_for_municipality(municipality=municipality, actor=None)
        hot = selectors.account_for(
            municipality=municipality,
            county=municipality.counties.get(code="370811"),
            kind=Account.Kind.INCOME,
            fund_code="310100",
        )

        trusted = not checked_load and self._may_load_as_restore()
        started = time.perf_counter()
        built = 0
        prefix = f"bench-{time.time_ns()}-"
        entries = postings // 2
        step = max(1, chunk // 2)
        for first in range(1, entries + 1, step):
            last = min(entries, first + step - 1)
            built += self._build(municipality.pk, hot, prefix, first, last, entries, trusted)
            self.stdout.write(f"  … {built:,} postings", ending="\r")
            self.stdout.flush()
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE funds_posting")
            cursor.execute("ANALYZE funds_journalentry")
        elapsed = time.perf_counter() - started
        how = "as a restore, triggers off" if trusted else "through every trigger"
        self.stdout.write(
            f"Built {built:,} postings in {elapsed:.1f} s ({built / elapsed:,.0f}/s, "
            f"set-based, {how})"
        )
        if trusted:
            self._prove(municipality)

        figures = {"postings": built, "load_seconds": round(elapsed, 3)}
        figures |= self._batch(municipality, batch_entries)
        figures |= self._statement(hot, samples)
        figures |= self._balance(hot, samples)
        if json_path is not None:
            json_path.write_text(json.dumps(figures, indent=2) + "\n")
            self.stdout.write(f"Figures written to {json_path}")

    @staticmethod
    def _may_load_as_restore() -> bool:
        with connection.cursor() as cursor:
            cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
            return bool(cursor.fetchone()[0])

    def _prove(self, municipality) -> None:
        """Refuse to measure a ledger the checks that were off would have refused."""
        started = time.perf_counter()
        report = selectors.ledger_verify(municipality=municipality)
        with connection.cursor() as cursor:
            cursor.execute(
                """
                SELECT (SELECT COUNT(*) FROM funds_journalentry j WHERE j.municipality_id = %s
                          AND (SELECT COUNT(*) FROM funds_posting p WHERE p.entry_id = j.id) < 2),
                       (SELECT COUNT(*) FROM funds_posting p
                          WHERE NOT EXISTS (SELECT 1 FROM funds_journalentry j
                                            WHERE j.id = p.entry_id
                                              AND j.fund_type_id = p.fund_type_id
                                              AND j.month = p.month
                                              AND j.effective_date = p.effective_date)
                             OR NOT EXISTS (SELECT 1 FROM funds_account a
                                            WHERE a.id = p.account_id
                                              AND a.fund_type_id = p.fund_type_id))
                """,
                [municipality.pk],
            )
            short_entries, orphans = cursor.fetchone()
        if not report.ok or short_entries or orphans:
            raise CommandError(
                f"The loaded ledger does not verify ({report.problem_count} problems, "
                f"{short_entries} entries with fewer than two postings, {orphans} orphan "
                "postings); nothing was measured."
            )
        self.stdout.write(
            f"Proved: ledger_verify over {report.postings_checked:,} postings, no short entry, "
            f"no orphan posting ({time.perf_counter() - started:.1f} s)"
        )

    def _build(
        self,
        municipality_id: int,
        hot: Account,
        prefix: str,
        first: int,
        last: int,
        entries: int,
        trusted: bool,
    ) -> int:
        """Insert collections ``first``‥``last`` of ``entries`` (two postings each) set-based,
        in one transaction. Returns how many postings were written.

        Steps: 1. for a trusted load, turn row triggers and foreign-key checks off for this
        transaction only; 2. number the county income accounts with their tax-bureau
        counterparty (``bench_pairs``) and give each entry a pair — every other entry the hot
        account's — and a day spread over two years (``bench_entries``); 3. insert the
        entries; 4. insert their postings, each ``balance_after`` the account's balance plus
        a running sum; 5. add the postings to the accounts' balances in one UPDATE; 6. turn
        the checks back on.
        """
        pairs = list(
            Account.objects.filter(municipality_id=municipality_id, owner="county", kind="income")
            .order_by("pk")
            .values_list("pk", "county_id", "fund_type_id")
        )
        hot_number = next(i for i, (pk, _c, _f) in enumerate(pairs) if pk == hot.pk)
        with transaction.atomic(), connection.cursor() as cursor:
            if trusted:
                cursor.execute("SET LOCAL session_replication_role = replica")
            cursor.execute(
                "CREATE TEMP TABLE bench_pairs (number int PRIMARY KEY, income_id bigint,"
                " tax_id bigint, fund_type_id bigint) ON COMMIT DROP"
            )
            cursor.execute(
                """
                INSERT INTO bench_pairs
                SELECT row_number() OVER (ORDER BY income.id) - 1, income.id, tax.id,
                       income.fund_type_id
                FROM funds_account income JOIN funds_account tax
                  ON tax.county_id = income.county_id AND tax.fund_type_id = income.fund_type_id
                 AND tax.owner = 'tax_bureau' AND tax.kind = 'counterparty'
                WHERE income.municipality_id = %s AND income.owner = 'county'
                  AND income.kind = 'income'
                """,
                [municipality_id],
            )
            cursor.execute(
                "CREATE TEMP TABLE bench_entries ON COMMIT DROP AS"
                " SELECT g, CASE WHEN g %% 2 = 0 THEN %s ELSE (g / 2) %% %s END AS number,"
                " DATE '2023-01-01' + (g::bigint * 730 / %s)::int AS day"
                " FROM generate_series(%s, %s) AS g",
                [hot_number, len(pairs), entries, first, last],
            )
            cursor.execute(
                """
                INSERT INTO funds_journalentry (municipality_id, fund_type_id, kind, month,
                    effective_date, memo, idempotency_key, input_hash, source_id,
                    source_label, created_at)
                SELECT %s, p.fund_type_id, 'collection', date_trunc('month', e.day)::date,
                       e.day, '', %s || e.g, '', '', 'benchmark', now()
                FROM bench_entries e JOIN bench_pairs p USING (number)
                ORDER BY e.g
                """,
                [municipality_id, prefix],
            )
            cursor.execute(
                "SELECT id FROM funds_journalentry WHERE idempotency_key = %s || %s",
                [prefix, str(first)],
            )
            first_id = cursor.fetchone()[0]
            cursor.execute(
                """
                INSERT INTO funds_posting (entry_id, account_id, amount, balance_after,
                    fund_type_id, month, effective_date)
                SELECT line.entry_id, line.account_id, line.amount,
                       a.balance + SUM(line.amount) OVER (
                           PARTITION BY line.account_id ORDER BY line.entry_id, line.side),
                       line.fund_type_id, line.month, line.effective_date
                FROM (
                    SELECT j.id AS entry_id, s.side, j.fund_type_id, j.month, j.effective_date,
                           CASE s.side WHEN 0 THEN p.tax_id ELSE p.income_id END AS account_id,
                           (CASE s.side WHEN 0 THEN -1 ELSE 1 END)
                             * (1 + (e.g %% 997))::numeric AS amount
                    FROM bench_entries e
                    JOIN bench_pairs p USING (number)
                    JOIN funds_journalentry j ON j.idempotency_key = %s || e.g AND j.id >= %s
                    CROSS JOIN (VALUES (0), (1)) AS s(side)
                ) AS line
                JOIN funds_account a ON a.id = line.account_id
                ORDER BY line.entry_id, line.side
                """,
                [prefix, first_id],
            )
            built = cursor.rowcount
            cursor.execute(
                """
                UPDATE funds_account a SET balance = a.balance + t.total
                FROM (SELECT account_id, SUM(amount) AS total FROM funds_posting
                      WHERE entry_id >= %s GROUP BY account_id) t
                WHERE a.id = t.account_id
                """,
                [first_id],
            )
            if trusted:
                # Back on before the block ends, also when it is a savepoint inside a longer
                # transaction: what follows is checked again.
                cursor.execute("SET LOCAL session_replication_role = origin")
        return built

    def _batch(self, municipality, batch_entries: int) -> dict:
        pairs = [
            (
                income,
                Account.objects.get(
                    county=income.county, fund_type=income.fund_type, owner="tax_bureau"
                ),
            )
            for income in Account.objects.filter(
                municipality=municipality, owner="county", kind="income"
            ).select_related("county")
        ]
        month = datetime.date(2025, 6, 1)
        prefix = f"batch-{time.time_ns()}-"
        specs = [
            EntrySpec(
                kind=JournalEntry.Kind.COLLECTION,
                month=month,
                effective_date=month,
                memo="",
                idempotency_key=f"{prefix}{number}",
                lines=[
                    PostingLine(pairs[number % len(pairs)][1], Decimal("-12.34")),
                    PostingLine(pairs[number % len(pairs)][0], Decimal("12.34")),
                ],
            )
            for number in range(batch_entries)
        ]
        started = time.perf_counter()
        result = services.entries_post_batch(municipality=municipality, entries=specs, actor=None)
        elapsed = time.perf_counter() - started
        count = 2 * result.created
        rate = count / elapsed
        reference = 2 * PGLEDGER_TRANSFERS_PER_SECOND
        self.stdout.write(
            f"Batch posting: {count:,} postings in {elapsed:.2f} s = {rate:,.0f} "
            "postings/s (entries_post_batch, incl. commit-time triggers); pgledger publishes "
            f"~{PGLEDGER_TRANSFERS_PER_SECOND:,} transfers/s = ~{reference:,} postings/s "
            f"({rate / reference:.2f}×)"
        )
        return {
            "batch_postings": count,
            "batch_seconds": round(elapsed, 3),
            "postings_per_second": round(rate),
            "pgledger_transfers_per_second": PGLEDGER_TRANSFERS_PER_SECOND,
            "pgledger_postings_per_second": reference,
        }

    def _statement(self, account: Account, samples: int) -> dict:
        bounds = account.postings.order_by("effective_date").values_list(
            "effective_date", flat=True
        )
        first, last = bounds.first(), bounds.last()
        span = (last - first).days
        rng = random.Random(1)
        timings = []
        for _ in range(samples):
            day = first + datetime.timedelta(days=rng.randrange(span + 1))
            started = time.perf_counter()
            page = selectors.account_statement(account=account, cursor=f"{day.isoformat()}.0")
            timings.append((time.perf_counter() - started) * 1000)
            assert len(page.postings) <= 100
        p50, p95 = _percentiles(timings)
        rows = account.postings.count()
        self.stdout.write(
            f"Statement page (100 rows, keyset, account with {rows:,} postings): "
            f"p50 {p50:.2f} ms, p95 {p95:.2f} ms"
        )
        return {"statement_p50_ms": round(p50, 3), "statement_p95_ms": round(p95, 3)}

    def _balance(self, account: Account, samples: int) -> dict:
        timings = []
        for _ in range(samples):
            started = time.perf_counter()
            Account.objects.values_list("balance", flat=True).get(pk=account.pk)
            timings.append((time.perf_counter() - started) * 1000)
        p50, p95 = _percentiles(timings)
        self.stdout.write(f"Balance read: p50 {p50:.3f} ms, p95 {p95:.3f} ms")
        return {"balance_p50_ms": round(p50, 3), "balance_p95_ms": round(p95, 3)}
