"""``python manage.py benchmark_cycle --insured N`` (PostgreSQL): the monthly cycle of a city of
N insured people, measured in one run against the PostgreSQL floor and a naive loop.

1. **Population.** A dedicated municipality (slug ``benchmark``, code 379900, ``--counties``
   counties under unified collection and expenditure) gets N people set-based, with
   ``INSERT … SELECT … generate_series`` (no per-person Python object): about 27 % retirees;
   of those in service, 5 % flexible workers, 2 % individual businesses without employees,
   1 % part-time workers, the rest employees (of individual businesses where the employer is
   one) with about 20 people per employer. Identifiers carry valid check characters. A
   re-run keeps the people: it adds the missing ones, or ends the episodes of those beyond N.
2. **Naive loop** (before the cycle, on the cycle's month, then deleted): per sampled person,
   the same rows the cycle writes, one ORM object and one autocommit at a time: read the
   episode and the base, compute with ``enrollment.contributions.assessment_amounts``,
   ``save()`` the assessment, the collection row (an employer's one row saved again per
   person), the allocation and the personal-account movement; extrapolated to N.
3. **Cycle**, through the product's services, each step timed: assessment; collection file
   (the tax bureau's side, written here from the assessments; not counted in the cycle),
   ``collection_file_import``; ``collection_batch_post`` and ``retiree_credits_post``
   (which the cut-off step would otherwise call); the cut-off, remittance, fiscal transfer,
   zero-balance check and month close steps.
4. **Floor**: the month's assessment rows spooled to a temporary file, then one ``COPY …
   FROM STDIN`` of them into an UNLOGGED scratch table without indexes (dropped after).
5. **Durable floor**: every row the cycle wrote (``DURABLE_TABLES``: assessments, collection
   rows and allocations, personal-account movements, journal entries and postings, remittance
   lines, the cycle's own rows and its audit events; the rows whose id is above the table's
   highest id before the cycle), spooled, then ``COPY``-ed in one transaction into logged
   copies of their tables (the same columns, so the same widths) with their primary keys,
   commit included: the cost of recording the month's facts durably.

The people tables are vacuumed after generation and a ``CHECKPOINT`` precedes each timed
phase (naive loop, cycle, floor), so no phase pays for the writes of the one before.

``--workers W`` (W > 1, with ``CELERY_BROKER_URL``) starts a Celery worker with W processes for
the run and sends the per-county steps (assessment, remittance) to it as groups of one part
per county; the other steps run in this process. ``peak_rss_mb`` is this process's peak,
``worker_peak_rss_mb`` the largest worker process's.

Every run assesses and closes the month after the last one closed, so re-runs need no
cleanup: the ledger is append-only by design. Peak memory is this process's maximum RSS.
"""

import contextlib
import datetime
import io
import json
import os
import resource
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field

from celery import group
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction
from django.db.models import Max

from enrollment.collection_files.models import CollectionAllocation, CollectionBatch, CollectionRow
from enrollment.collection_files.services import collection_file_import
from enrollment.contributions.assessment import assessment_amounts, assessment_parameters
from enrollment.contributions.models import Assessment, ContributionBase
from enrollment.people.models import EMPLOYER_SCOPES, EnrollmentEpisode
from enrollment.people.validators import CREDIT_CODE_ALPHABET
from enrollment.personal_accounts.models import PersonalAccountMovement
from funds.booking.services import collection_batch_post, retiree_credits_post
from funds.ledger.models import ClosedMonth, JournalEntry, Posting
from funds.ledger.services import accounts_open_for_municipality
from pooling.accounts.models import AuditEvent, Role, User
from pooling.celery import app as celery_app
from pooling.core.money import month_end, next_month
from pooling.structure.demo import seed_structure
from pooling.structure.models import County, Municipality, PoolingModel
from pooling.structure.presets import CityPreset, UnitPreset
from settlement.cycle.models import CycleStep, MonthlyCycle, RemittanceLine, StepName
from settlement.cycle.services import (
    PARTITIONED_STEPS,
    cycle_parts_prepare,
    cycle_start,
    cycle_step_run,
)
from settlement.cycle.tasks import cycle_part_task

SLUG = "benchmark"
CITY_CODE = "379900"
FIRST_MONTH = datetime.date(2026, 1, 1)
PEOPLE_PER_EMPLOYER = 20
COPY_CHUNK = 1 << 20

# Every table the month's cycle writes rows to; the durable floor copies those rows.
DURABLE_TABLES = (
    Assessment,
    CollectionBatch,
    CollectionRow,
    CollectionAllocation,
    PersonalAccountMovement,
    JournalEntry,
    Posting,
    MonthlyCycle,
    CycleStep,
    RemittanceLine,
    AuditEvent,
)

_CREDIT_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
_RESIDENT_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]

# Employer n (0-based) is in county n mod C; its credit code is 91 + city code + MA + n,
# with the GB 32100 check character computed in SQL.
EMPLOYERS_SQL = """
INSERT INTO enrollment_employer
    (municipality_id, county_id, credit_code, name, unit_type, status, created_at)
SELECT %(municipality)s, (%(counties)s::bigint[])[n %% %(county_count)s + 1],
       k.code || substr(%(alphabet)s, ((31 - c.total %% 31) %% 31)::int + 1, 1),
       '基准单位' || lpad((n + 1)::text, 7, '0'),
       CASE WHEN n %% 7 = 0 THEN 'public' WHEN n %% 10 = 3 THEN 'individual_business'
            ELSE 'enterprise' END,
       'active', now()
FROM generate_series(%(first)s, %(last)s) AS n
CROSS JOIN LATERAL (SELECT '91' || %(city)s || 'MA' || lpad(n::text, 7, '0') AS code) AS k
CROSS JOIN LATERAL (
    SELECT sum((strpos(%(alphabet)s, substr(k.code, i, 1)) - 1) * (%(weights)s::int[])[i])
        AS total
    FROM generate_series(1, 17) AS i
) AS c
ON CONFLICT (credit_code) DO NOTHING
"""

# Person i works for employer i mod E. i mod 100 decides the scope (module docstring); the
# resident ID is county code + birth date + sequence + GB 11643 check character, with birth
# dates that are injective in i within each age band (retirees born 1940–1965, the others
# 1966–2004), so every ID is unique.
PEOPLE_SQL = """
CREATE TEMP TABLE benchmark_new_people ON COMMIT DROP AS
WITH numbered AS (
    SELECT i, i %% 100 AS share, e.id AS employer_id, e.county_id, e.unit_type, c.code
    FROM generate_series(%(first)s, %(last)s) AS i
    JOIN benchmark_employers e ON e.number = i %% %(employer_count)s
    JOIN pooling_county c ON c.id = e.county_id
), typed AS (
    SELECT numbered.*,
           CASE WHEN share < 27 THEN 'retiree'
                WHEN share < 32 THEN 'flexible'
                WHEN share < 34 THEN 'solo_business'
                WHEN share < 35 THEN 'part_time'
                WHEN unit_type = 'individual_business' AND share = 35 THEN 'business_owner'
                WHEN unit_type = 'individual_business' THEN 'business_employee'
                ELSE 'employee' END AS scope,
           CASE WHEN share < 27
                THEN DATE '1940-01-01' + ((i / 1000) * 37 %% 9496)::int
                ELSE DATE '1966-01-01' + ((i / 1000) * 41 %% 14245)::int END AS birth
    FROM numbered
), coded AS (
    SELECT typed.*,
           code || to_char(birth, 'YYYYMMDD') || lpad((i %% 1000)::text, 3, '0') AS first17
    FROM typed
)
SELECT i, scope, county_id, birth,
       CASE WHEN scope IN ('flexible', 'solo_business', 'part_time') THEN NULL
            ELSE employer_id END AS employer_id,
       first17 || substr('10X98765432', (s.total %% 11)::int + 1, 1) AS id_number
FROM coded
CROSS JOIN LATERAL (
    SELECT sum(substr(first17, j, 1)::int * (%(weights)s::int[])[j]) AS total
    FROM generate_series(1, 17) AS j
) AS s
"""

INSERT_PEOPLE_SQL = """
INSERT INTO enrollment_insuredperson
    (municipality_id, county_id, id_number, name, birth_date, sex, category, employer_id,
     status, created_at)
SELECT %(municipality)s, county_id, id_number, '参保人' || lpad((i + 1)::text, 7, '0'), birth,
       CASE WHEN (i %% 10) %% 2 = 1 THEN 'M' ELSE 'F' END, scope, employer_id,
       CASE WHEN scope = 'retiree' THEN 'retired' ELSE 'active' END, now()
FROM benchmark_new_people ORDER BY i
"""

INSERT_EPISODES_SQL = """
INSERT INTO enrollment_enrollmentepisode
    (person_id, scheme, scope, county_id, employer_id, from_month, to_month, first_enrollment)
SELECT p.id, 'employee', n.scope, n.county_id, n.employer_id, %(first_month)s, NULL, false
FROM benchmark_new_people n JOIN enrollment_insuredperson p ON p.id_number = n.id_number
ORDER BY n.i
"""

INSERT_BASES_SQL = """
INSERT INTO enrollment_contributionbase (person_id, year, yearly_wage, declared_at)
SELECT p.id, %(year)s, 36000 + (n.i::bigint * 7919) %% 120000, now()
FROM benchmark_new_people n JOIN enrollment_insuredperson p ON p.id_number = n.id_number
WHERE n.scope IN %(employer_scopes)s
ORDER BY n.i
"""

# A new year's bases repeat the latest declared wage.
CARRY_BASES_SQL = """
INSERT INTO enrollment_contributionbase (person_id, year, yearly_wage, declared_at)
SELECT DISTINCT ON (b.person_id) b.person_id, %(year)s, b.yearly_wage, now()
FROM enrollment_contributionbase b
JOIN enrollment_insuredperson p ON p.id = b.person_id
WHERE p.municipality_id = %(municipality)s AND b.year < %(year)s
ORDER BY b.person_id, b.year DESC
ON CONFLICT (person_id, year) DO NOTHING
"""

# The first N people (by id) are insured in the month; the episodes of the others end before it.
ACTIVE_SET_SQL = """
WITH ranked AS (
    SELECT e.id, row_number() OVER (ORDER BY e.person_id) AS rank
    FROM enrollment_enrollmentepisode e
    JOIN enrollment_insuredperson p ON p.id = e.person_id
    WHERE p.municipality_id = %(municipality)s AND e.scheme = 'employee'
)
UPDATE enrollment_enrollmentepisode e
SET to_month = CASE WHEN r.rank <= %(insured)s THEN NULL ELSE %(last_month)s::date END
FROM ranked r
WHERE e.id = r.id AND e.to_month IS DISTINCT FROM
      (CASE WHEN r.rank <= %(insured)s THEN NULL ELSE %(last_month)s::date END)
"""

# The tax bureau's file: each employer pays its people's month in full, and nine in ten of
# the people without an employer pay theirs.
COLLECTION_FILE_SQL = """
COPY (
    SELECT r.credit_code, to_char(a.month, 'YYYY-MM'), sum(a.total_due)
    FROM enrollment_assessment a JOIN enrollment_employer r ON r.id = a.employer_id
    WHERE a.municipality_id = {municipality} AND a.month = '{month}'
    GROUP BY r.credit_code, a.month
    UNION ALL
    SELECT p.id_number, to_char(a.month, 'YYYY-MM'), a.total_due
    FROM enrollment_assessment a JOIN enrollment_insuredperson p ON p.id = a.person_id
    WHERE a.municipality_id = {municipality} AND a.month = '{month}'
      AND a.employer_id IS NULL AND a.person_id % 10 <> 0
) TO STDOUT WITH (FORMAT csv)
"""


def _preset(counties: int) -> CityPreset:
    units = tuple(
        UnitPreset(
            f"3799{number:02d}", f"基准区{number:02d}", f"Benchmark {number:02d}", "district"
        )
        for number in range(1, counties + 1)
    )
    return CityPreset(
        slug=SLUG,
        code=CITY_CODE,
        name="基准市",
        name_en="Benchmark city",
        pooling_start=datetime.date(2020, 1, 1),
        model=PoolingModel.UNIFIED,
        evaluated=False,
        units=units,
        demo_counties=(units[0].code, units[min(1, len(units) - 1)].code),
    )


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@dataclass
class Step:
    name: str
    seconds: float
    rows: int
    peak_rss_mb: float
    in_cycle: bool = True

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seconds if self.seconds else 0.0


@dataclass
class Figures:
    insured: int
    counties: int
    month: str
    generation_seconds: float = 0.0
    steps: list[Step] = field(default_factory=list)
    completed: bool = False
    assessed: int = 0
    floor_rows: int = 0
    floor_seconds: float = 0.0
    durable_floor_rows: dict[str, int] = field(default_factory=dict)
    durable_floor_seconds: float = 0.0
    workers: int = 1
    worker_peak_rss_mb: float | None = None
    naive_sample: int = 0
    naive_rows_saved: int = 0
    naive_seconds_sample: float = 0.0
    load_start: list[float] = field(
        default_factory=lambda: [round(load, 2) for load in os.getloadavg()]
    )

    @property
    def cycle_seconds(self) -> float:
        return sum(step.seconds for step in self.steps if step.in_cycle)

    @property
    def naive_seconds_extrapolated(self) -> float:
        if not self.naive_sample:
            return 0.0
        return self.naive_seconds_sample / self.naive_sample * self.insured

    def as_json(self) -> dict:
        def ratio(seconds: float, to: float) -> float | None:
            return round(seconds / to, 2) if to and seconds else None

        return {
            "insured": self.insured,
            "workers": self.workers,
            "counties": self.counties,
            "month": self.month,
            "completed": self.completed,
            "assessed": self.assessed,
            "generation_seconds": round(self.generation_seconds, 3),
            "cycle_seconds": round(self.cycle_seconds, 3),
            "floor_rows": self.floor_rows,
            "floor_seconds": round(self.floor_seconds, 3),
            "cycle_to_floor": ratio(self.cycle_seconds, self.floor_seconds),
            "durable_floor_rows": sum(self.durable_floor_rows.values()),
            "durable_floor_tables": self.durable_floor_rows,
            "durable_floor_seconds": round(self.durable_floor_seconds, 3),
            "cycle_to_durable_floor": ratio(self.cycle_seconds, self.durable_floor_seconds),
            "naive_sample": self.naive_sample,
            "naive_rows_saved": self.naive_rows_saved,
            "naive_seconds_sample": round(self.naive_seconds_sample, 3),
            "naive_seconds_extrapolated": round(self.naive_seconds_extrapolated, 3),
            "speedup_over_naive": ratio(self.naive_seconds_extrapolated, self.cycle_seconds),
            "peak_rss_mb": round(_peak_rss_mb(), 1),
            # With --workers W > 1: the largest worker process's peak (None in process).
            "worker_peak_rss_mb": (
                round(self.worker_peak_rss_mb, 1) if self.worker_peak_rss_mb else None
            ),
            "steps": [
                {
                    **asdict(step),
                    "seconds": round(step.seconds, 3),
                    "rows_per_second": round(step.rows_per_second),
                    "to_floor": ratio(step.seconds, self.floor_seconds),
                }
                for step in self.steps
            ],
            "machine": {
                "cpus": os.cpu_count(),
                "postgresql": connection.pg_version,
                # Other work on the machine skews every figure: say how busy it was.
                "load_average_start": self.load_start,
                "load_average_end": [round(load, 2) for load in os.getloadavg()],
                "server_settings": _server_settings(),
                "bulk_work_mem_mb": settings.BULK_WORK_MEM_MB,
            },
        }


def _server_settings() -> dict[str, str]:
    """The PostgreSQL settings that move these figures most, as the server has them."""
    names = ["shared_buffers", "work_mem", "max_wal_size", "synchronous_commit", "temp_buffers"]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name, current_setting(name) FROM unnest(%s::text[]) AS name", [names]
        )
        return dict(cursor.fetchall())


class Command(BaseCommand):
    help = (
        "Measure the monthly cycle of N synthetic insured people against a raw COPY floor "
        "and a naive per-row ORM loop (PostgreSQL; use a database made for it)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--insured", type=int, required=True, help="people in the city")
        parser.add_argument("--counties", type=int, default=12)
        parser.add_argument("--json", dest="json_path", help="also write the figures here")
        parser.add_argument("--naive-sample", type=int, default=2000)
        parser.add_argument(
            "--workers",
            type=int,
            default=1,
            help="1: the cycle in this process; W > 1: its per-county parts on a Celery worker "
            "with W processes started for the run (needs CELERY_BROKER_URL)",
        )

    def handle(
        self, *args, insured, counties, json_path, naive_sample, workers=1, **options
    ) -> None:
        if connection.vendor != "postgresql":
            raise CommandError(
                "benchmark_cycle measures PostgreSQL (COPY, set-based SQL); set DATABASE_URL "
                "to a PostgreSQL database made for benchmarking. SQLite is not supported."
            )
        if insured < 1 or not 1 <= counties <= 99 or naive_sample < 0 or workers < 1:
            raise CommandError(
                "--insured ≥ 1, 1 ≤ --counties ≤ 99, --naive-sample ≥ 0, --workers ≥ 1."
            )
        if workers > 1 and not settings.CELERY_BROKER_URL:
            raise CommandError(
                f"--workers {workers} runs the per-county parts on Celery workers: set "
                "CELERY_BROKER_URL (e.g. redis://127.0.0.1:6379/0)."
            )
        self.workers = workers
        municipality = seed_structure(_preset(counties), log=lambda message: None)
        accounts_open_for_municipality(municipality=municipality, actor=None)
        clerk = User.objects.get(municipality=municipality, role=Role.AGENCY_CLERK)
        month = self._month(municipality)
        figures = Figures(
            insured=insured, counties=counties, month=f"{month:%Y-%m}", workers=workers
        )

        started = time.perf_counter()
        added = self._population(municipality, insured, counties, month)
        figures.generation_seconds = time.perf_counter() - started
        self._say(
            f"Population: {insured:,} insured ({added:,} added) in "
            f"{figures.generation_seconds:.1f} s; cycle month {month:%Y-%m}"
        )
        if naive_sample:
            self._settle()
            self._naive(municipality, month, min(naive_sample, insured), clerk, figures)
        self._settle()
        marks = self._marks()
        with contextlib.ExitStack() as stack:
            if workers > 1:
                stack.enter_context(self._worker_pool(workers))
            self._cycle(municipality, month, clerk, figures)
        if workers > 1:
            figures.worker_peak_rss_mb = (
                resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
            )
        self._settle()
        self._floor(municipality, month, figures)
        self._durable_floor(marks, figures)
        self._print(figures)
        if json_path:
            with open(json_path, "w", encoding="utf-8") as handle:
                json.dump(figures.as_json(), handle, indent=2, ensure_ascii=False)
            self._say(f"Wrote {json_path}")
        if not figures.completed:
            raise CommandError("The cycle did not complete; see the steps above.")

    def _say(self, text: str) -> None:
        self.stdout.write(text)
        self.stdout.flush()

    # Population -------------------------------------------------------------------------

    def _month(self, municipality: Municipality) -> datetime.date:
        """The month after the latest closed or started month (the first run: FIRST_MONTH)."""
        closed = ClosedMonth.objects.filter(municipality=municipality).aggregate(m=Max("month"))
        started = MonthlyCycle.objects.filter(municipality=municipality).aggregate(m=Max("month"))
        latest = max(filter(None, [closed["m"], started["m"]]), default=None)
        return FIRST_MONTH if latest is None else next_month(latest)

    def _population(
        self, municipality: Municipality, insured: int, counties: int, month: datetime.date
    ) -> int:
        """Make exactly the first ``insured`` people (by id) insured in ``month``, set-based."""
        county_ids = list(
            County.objects.filter(municipality=municipality)
            .order_by("code")
            .values_list("pk", flat=True)[:counties]
        )
        employer_count = max(-(-insured // PEOPLE_PER_EMPLOYER), 1)
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                EMPLOYERS_SQL,
                {
                    "municipality": municipality.pk,
                    "counties": county_ids,
                    "county_count": len(county_ids),
                    "first": 0,
                    "last": employer_count - 1,
                    "city": CITY_CODE,
                    "alphabet": CREDIT_CODE_ALPHABET,
                    "weights": _CREDIT_WEIGHTS,
                },
            )
            cursor.execute(
                "SELECT count(*) FROM enrollment_insuredperson WHERE municipality_id = %s",
                [municipality.pk],
            )
            existing = cursor.fetchone()[0]
            added = max(insured - existing, 0)
            if added:
                self._people_insert(cursor, municipality, first=existing, last=insured - 1)
            if month.year != FIRST_MONTH.year:
                cursor.execute(
                    CARRY_BASES_SQL, {"year": month.year, "municipality": municipality.pk}
                )
            if existing > insured:
                if month == FIRST_MONTH:
                    raise CommandError(
                        f"The benchmark city already has {existing:,} people and no month "
                        f"closed; run with --insured {existing} or use a fresh database."
                    )
                last_month = (month - datetime.timedelta(days=1)).replace(day=1)
                cursor.execute(
                    ACTIVE_SET_SQL,
                    {"municipality": municipality.pk, "insured": insured, "last_month": last_month},
                )
        self._vacuum_people()
        return added

    @staticmethod
    def _people_insert(cursor, municipality: Municipality, *, first: int, last: int) -> None:
        """People ``first`` to ``last`` (by number) with their episodes and this year's
        bases, spread over the benchmark's employers."""
        cursor.execute(
            "CREATE TEMP TABLE benchmark_employers ON COMMIT DROP AS"
            " SELECT row_number() OVER (ORDER BY credit_code) - 1 AS number, id,"
            " county_id, unit_type FROM enrollment_employer"
            " WHERE municipality_id = %s AND credit_code LIKE %s",
            [municipality.pk, f"91{CITY_CODE}MA%"],
        )
        cursor.execute("CREATE UNIQUE INDEX ON benchmark_employers (number)")
        cursor.execute("SELECT count(*) FROM benchmark_employers")
        employers = cursor.fetchone()[0]
        cursor.execute(
            PEOPLE_SQL,
            {
                "first": first,
                "last": last,
                "employer_count": employers,
                "weights": _RESIDENT_WEIGHTS,
            },
        )
        cursor.execute(INSERT_PEOPLE_SQL, {"municipality": municipality.pk})
        cursor.execute(INSERT_EPISODES_SQL, {"first_month": FIRST_MONTH})
        cursor.execute(
            INSERT_BASES_SQL,
            {"year": FIRST_MONTH.year, "employer_scopes": tuple(sorted(EMPLOYER_SCOPES))},
        )

    @staticmethod
    def _vacuum_people() -> None:
        """VACUUM, not only ANALYZE: a real city's people were written long ago. Without it the
        first measured reader sets the hint bits of millions of fresh rows, and autovacuum
        works through them while the naive loop and the cycle are timed. (Inside a
        transaction, as under the test suite, VACUUM cannot run.)"""
        verb = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
        with connection.cursor() as cursor:
            for table in ("employer", "insuredperson", "enrollmentepisode", "contributionbase"):
                cursor.execute(f"{verb} enrollment_{table}")

    @staticmethod
    def _settle() -> None:
        """Write out what earlier phases left dirty, so each measured phase starts from the same
        state instead of paying for the one before (``CHECKPOINT`` needs the pg_checkpoint
        role or a superuser; without it the phases run unsettled)."""
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT rolsuper OR pg_has_role(current_user, 'pg_checkpoint', 'member')"
                " FROM pg_roles WHERE rolname = current_user"
            )
            if cursor.fetchone()[0]:
                cursor.execute("CHECKPOINT")

    # Naive loop -------------------------------------------------------------------------

    def _naive(
        self,
        municipality: Municipality,
        month: datetime.date,
        sample: int,
        clerk: User,
        figures: Figures,
    ) -> None:
        """Do the month's per-person work for ``sample`` people one ORM object at a time, as
        a first implementation would: read the episode and the base, ``save()`` the
        assessment, the person's collection row and its allocation, and the personal-account
        movement (the contribution's personal-account part, or a retiree's credit), each in
        autocommit. These are the rows the cycle writes per person, so the two are compared
        on the same work. The rows are deleted afterwards so the cycle starts clean."""
        episode_ids = list(
            EnrollmentEpisode.objects.filter(
                person__municipality=municipality, scheme="employee", to_month__isnull=True
            )
            .order_by("pk")
            .values_list("pk", flat=True)[:sample]
        )
        batch = CollectionBatch.objects.create(
            municipality=municipality,
            file_name="naive-loop",
            imported_by=clerk,
            file_sha256=f"naive-{time.time_ns()}",
        )
        parameters: dict[int, dict] = {}
        saved: list[Assessment] = []
        employer_rows: dict[int, CollectionRow] = {}
        started = time.perf_counter()
        for number, episode_id in enumerate(episode_ids):
            episode = EnrollmentEpisode.objects.select_related("employer", "county", "person").get(
                pk=episode_id
            )
            assessment = self._naive_assessment(municipality, month, episode, parameters)
            if assessment is None:
                continue
            saved.append(assessment)
            figures.naive_rows_saved += 1 + self._naive_collect(
                batch, number, episode, assessment, employer_rows
            )
        figures.naive_seconds_sample = time.perf_counter() - started
        figures.naive_sample = len(episode_ids)
        PersonalAccountMovement.objects.filter(collection_batch=batch).delete()
        PersonalAccountMovement.objects.filter(assessment__in=saved).delete()
        CollectionAllocation.objects.filter(batch=batch).delete()
        CollectionRow.objects.filter(batch=batch).delete()
        batch.delete()
        Assessment.objects.filter(pk__in=[assessment.pk for assessment in saved]).delete()
        self._say(
            f"Naive loop: {len(episode_ids):,} people in {figures.naive_seconds_sample:.2f} s "
            f"→ {figures.naive_seconds_extrapolated:,.0f} s extrapolated to {figures.insured:,}"
        )

    @staticmethod
    def _naive_assessment(
        municipality: Municipality,
        month: datetime.date,
        episode: EnrollmentEpisode,
        parameters: dict[int, dict],
    ) -> Assessment | None:
        """One person's assessment, read and saved one object at a time (``parameters``
        caches each county's rules); None for an employee without a base."""
        base = ContributionBase.objects.filter(person_id=episode.person_id, year=month.year).first()
        if episode.scope in EMPLOYER_SCOPES and base is None:
            return None
        if episode.county_id not in parameters:
            parameters[episode.county_id] = assessment_parameters(
                municipality=municipality, county=episode.county, month=month
            )
        employer = episode.employer
        amounts = assessment_amounts(
            scope=episode.scope,
            unit_type=employer.unit_type if employer else "",
            employer_status=employer.status if employer else "",
            has_employer=employer is not None,
            yearly_wage=base.yearly_wage if base else 0,
            parameters=parameters[episode.county_id],
        )
        assessment = Assessment(
            municipality=municipality,
            county_id=episode.county_id,
            person_id=episode.person_id,
            employer=employer,
            episode=episode,
            month=month,
            scope=episode.scope,
            unit_type=employer.unit_type if employer else "",
            **amounts,
        )
        assessment.save()
        return assessment

    @staticmethod
    def _naive_collect(
        batch: CollectionBatch,
        number: int,
        episode: EnrollmentEpisode,
        assessment: Assessment,
        employer_rows: dict[int, CollectionRow],
    ) -> int:
        """The naive loop's collection side of one person, as the synthetic file has it:
        an employer's one row pays all its people (saved again as each is added), a person
        without an employer pays a row of their own unless they are among the tenth in
        arrears; then the allocation and the personal-account movements. Returns the
        number of rows saved."""
        a = assessment
        saves = 0
        if a.retiree_account_credit:
            PersonalAccountMovement(
                person_id=a.person_id,
                county_id=a.county_id,
                month=a.month,
                amount=a.retiree_account_credit,
                assessment=a,
                reason=PersonalAccountMovement.Reason.RETIREE_CREDIT,
            ).save()
            saves += 1
        if a.employer_id is None and a.person_id % 10 == 0:
            return saves
        row = employer_rows.get(a.employer_id) if a.employer_id else None
        if row is None:
            payer_code = episode.employer.credit_code if a.employer_id else episode.person.id_number
            row = CollectionRow(
                batch=batch,
                row_number=number + 1,
                month=a.month,
                amount=0,
                outcome=CollectionRow.Outcome.MATCHED,
                county_id=a.county_id,
                payer_code=payer_code,
                employer_id=a.employer_id,
                person_id=None if a.employer_id else a.person_id,
            )
            if a.employer_id:
                employer_rows[a.employer_id] = row
        row.amount += a.total_due
        row.allocated_amount += a.total_due
        row.save()
        pooled = a.employer_pooled_fund + a.individual_pooled_fund
        critical = a.employer_critical_illness + a.individual_critical_illness
        CollectionAllocation(
            row=row,
            batch=batch,
            assessment=a,
            county_id=a.county_id,
            person_id=a.person_id,
            month=a.month,
            pooled_fund=pooled,
            maternity=a.employer_maternity,
            personal_account=a.individual_personal_account,
            critical_illness=critical,
            amount=a.total_due,
        ).save()
        if a.individual_personal_account:
            PersonalAccountMovement(
                person_id=a.person_id,
                county_id=a.county_id,
                month=a.month,
                amount=a.individual_personal_account,
                collection_batch=batch,
                assessment=a,
                reason=PersonalAccountMovement.Reason.CONTRIBUTION,
            ).save()
            saves += 1
        return saves + 2  # the row and the allocation

    # The cycle --------------------------------------------------------------------------

    def _timed(self, figures: Figures, name: str, run, *, in_cycle: bool = True):
        started = time.perf_counter()
        result, rows = run()
        seconds = time.perf_counter() - started
        figures.steps.append(Step(name, seconds, rows, _peak_rss_mb(), in_cycle))
        self._say(f"  {name:<28} {seconds:8.2f} s  {rows:>10,} rows  peak {_peak_rss_mb():,.0f} MB")
        return result

    @contextlib.contextmanager
    def _worker_pool(self, processes: int):
        """A ``celery worker`` with ``processes`` prefork processes for the cycle, ready before
        anything is timed, stopped (warm shutdown) after it."""
        worker = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "pooling",
                "worker",
                "-P",
                "prefork",
                "-c",
                str(processes),
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "-l",
                "warning",
            ],
            cwd=settings.BASE_DIR,
            start_new_session=True,
        )
        try:
            deadline = time.monotonic() + 120
            while not celery_app.control.ping(timeout=1.0):
                if time.monotonic() > deadline or worker.poll() is not None:
                    raise CommandError("The Celery worker did not start; see its output above.")
            self._say(f"Celery worker ready: {processes} processes")
            yield worker
        finally:
            if worker.poll() is None:
                os.killpg(worker.pid, signal.SIGTERM)
                worker.wait(timeout=120)

    def _on_workers(self, cycle: MonthlyCycle, name: str, clerk: User):
        """Send the step's per-county parts to the workers as a group and wait until the last
        one has joined the step (the chain is not continued: the benchmark runs the steps)."""
        step = cycle.steps.get(name=name)
        parts = cycle_parts_prepare(step=step)
        group(cycle_part_task.si(part.pk, clerk.pk, False) for part in parts).apply_async()
        while True:
            step.refresh_from_db()
            if step.status != CycleStep.Status.PENDING:
                return step
            time.sleep(0.05)

    def _run_step(self, cycle: MonthlyCycle, name: str, clerk: User):
        if self.workers > 1 and name in PARTITIONED_STEPS:
            step = self._on_workers(cycle, name, clerk)
            if step.status != CycleStep.Status.DONE:
                raise CommandError(f"Step {name} ended {step.status}: {step.error}")
            return step, step.count
        outcome = cycle_step_run(cycle=cycle, name=name, actor=clerk)
        if outcome.status != "done":
            raise CommandError(f"Step {name} ended {outcome.status}: {outcome.error}")
        return outcome, outcome.count

    def _cycle(
        self, municipality: Municipality, month: datetime.date, clerk: User, figures: Figures
    ) -> None:
        self._say("Cycle:")
        cycle, _created = cycle_start(
            municipality=municipality, month=month, actor=clerk, queue=False
        )
        step = self._run_step
        self._timed(figures, "assessment", lambda: step(cycle, StepName.ASSESSMENT, clerk))
        figures.assessed = Assessment.objects.filter(municipality=municipality, month=month).count()
        content = self._timed(
            figures,
            "collection file (tax bureau)",
            lambda: self._collection_file(municipality, month),
            in_cycle=False,
        )
        imported = self._timed(
            figures,
            "collection import + match",
            lambda: self._import(municipality, month, content, clerk),
        )
        self._timed(
            figures,
            "collection posting",
            lambda: (
                None,
                len(collection_batch_post(batch=imported.batch, actor=clerk, on=month_end(month))),
            ),
        )
        self._timed(
            figures,
            "retiree account credits",
            lambda: (
                None,
                retiree_credits_post(municipality=municipality, month=month, actor=clerk).credited,
            ),
        )
        for name in (
            StepName.COLLECTIONS_CUTOFF,
            StepName.REMITTANCE,
            StepName.FISCAL_TRANSFER,
            StepName.ZERO_BALANCE_CHECK,
            StepName.MONTH_CLOSE,
        ):
            self._timed(figures, str(name), lambda name=name: step(cycle, name, clerk))
        cycle.refresh_from_db()
        figures.completed = cycle.status == MonthlyCycle.Status.COMPLETED

    def _collection_file(self, municipality: Municipality, month: datetime.date):
        buffer = io.BytesIO()
        buffer.write(b"payer_code,month,amount\n")
        with connection.cursor() as cursor:
            cursor.copy_expert(
                COLLECTION_FILE_SQL.format(municipality=int(municipality.pk), month=month),
                buffer,
            )
        content = buffer.getvalue()
        return content, content.count(b"\n") - 1

    def _import(self, municipality, month, content: bytes, clerk: User):
        result = collection_file_import(
            municipality=municipality,
            file_name=f"benchmark-{month:%Y-%m}.csv",
            content=content,
            actor=clerk,
        )
        return result, result.batch.allocations.count()

    # Floor ------------------------------------------------------------------------------

    def _floor(self, municipality: Municipality, month: datetime.date, figures: Figures) -> None:
        """COPY the month's assessment rows (the same rows, the same width) into an UNLOGGED
        table without indexes: what PostgreSQL needs at least to take N rows in."""
        with tempfile.TemporaryFile() as spool, connection.cursor() as cursor:
            cursor.copy_expert(
                "COPY (SELECT * FROM enrollment_assessment WHERE municipality_id = "
                f"{int(municipality.pk)} AND month = '{month.isoformat()}') TO STDOUT",
                spool,
            )
            spool.seek(0)
            cursor.execute("DROP TABLE IF EXISTS benchmark_cycle_floor")
            cursor.execute(
                "CREATE UNLOGGED TABLE benchmark_cycle_floor (LIKE enrollment_assessment)"
            )
            started = time.perf_counter()
            cursor.copy_expert("COPY benchmark_cycle_floor FROM STDIN", spool, COPY_CHUNK)
            figures.floor_seconds = time.perf_counter() - started
            figures.floor_rows = cursor.rowcount
            cursor.execute("DROP TABLE benchmark_cycle_floor")
        self._say(f"Floor: COPY of {figures.floor_rows:,} rows in {figures.floor_seconds:.2f} s")

    @staticmethod
    def _marks() -> dict[str, int]:
        """Each of ``DURABLE_TABLES``' highest id before the cycle: the cycle's rows are those
        above it."""
        with connection.cursor() as cursor:
            marks = {}
            for model in DURABLE_TABLES:
                table = model._meta.db_table
                cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")
                marks[table] = cursor.fetchone()[0]
        return marks

    def _durable_floor(self, marks: dict[str, int], figures: Figures) -> None:
        """COPY every row the cycle wrote (the rows above ``marks``) into logged copies of
        their tables with their primary keys, in one transaction with its commit: what
        PostgreSQL needs at least to record the month's facts durably (the same rows, the
        same widths; no secondary index, trigger or check)."""
        with contextlib.ExitStack() as stack:
            stack.callback(self._drop_durable_copies, marks)
            spools = {}
            with connection.cursor() as cursor:
                for table, mark in marks.items():
                    spool = spools[table] = stack.enter_context(tempfile.TemporaryFile())
                    cursor.copy_expert(
                        f"COPY (SELECT * FROM {table} WHERE id > {int(mark)}) TO STDOUT", spool
                    )
                    spool.seek(0)
                    scratch = f"benchmark_durable_{table}"
                    cursor.execute(f"DROP TABLE IF EXISTS {scratch}")
                    cursor.execute(f"CREATE TABLE {scratch} (LIKE {table}, PRIMARY KEY (id))")
            self._settle()
            started = time.perf_counter()
            with transaction.atomic(), connection.cursor() as cursor:
                for table, spool in spools.items():
                    cursor.copy_expert(
                        f"COPY benchmark_durable_{table} FROM STDIN", spool, COPY_CHUNK
                    )
                    figures.durable_floor_rows[table] = cursor.rowcount
            figures.durable_floor_seconds = time.perf_counter() - started
        total = sum(figures.durable_floor_rows.values())
        self._say(
            f"Durable floor: COPY of {total:,} rows into {len(marks)} logged tables with "
            f"primary keys, committed, in {figures.durable_floor_seconds:.2f} s"
        )

    @staticmethod
    def _drop_durable_copies(marks: dict[str, int]) -> None:
        with connection.cursor() as cursor:
            for table in marks:
                cursor.execute(f"DROP TABLE IF EXISTS benchmark_durable_{table}")

    # Report -----------------------------------------------------------------------------

    def _print(self, figures: Figures) -> None:
        floor = figures.floor_seconds
        naive = figures.naive_seconds_extrapolated

        def row(
            name: str,
            seconds: float,
            rows: int,
            rss: float | None,
            note: str = "",
            *,
            versus_naive: bool = False,
        ) -> str:
            rate = f"{rows / seconds:,.0f}" if seconds and rows else "–"
            to_floor = f"{seconds / floor:.2f}×" if floor and seconds else "–"
            speedup = f"{naive / seconds:,.0f}×" if versus_naive and naive and seconds else "–"
            memory = f"{rss:,.0f}" if rss is not None else "–"
            return (
                f"{name:<30}{seconds:>10.2f}{rows:>12,}{rate:>12}{to_floor:>10}{speedup:>10}"
                f"{memory:>9}{note}"
            )

        header = (
            f"{'':<30}{'seconds':>10}{'rows':>12}{'rows/s':>12}{'÷ floor':>10}"
            f"{'vs naive':>10}{'RSS MB':>9}"
        )
        self._say(
            f"\nbenchmark_cycle: {figures.insured:,} insured, {figures.counties} counties, "
            f"month {figures.month}, {os.cpu_count()} CPUs"
        )
        self._say(header)
        self._say("-" * len(header))
        for step in figures.steps:
            note = "" if step.in_cycle else "  (synthetic input, not counted)"
            # The naive loop does the whole month's per-person work: only the total compares.
            self._say(row(step.name, step.seconds, step.rows, step.peak_rss_mb, note))
        self._say("-" * len(header))
        self._say(
            row(
                "cycle total",
                figures.cycle_seconds,
                figures.assessed,
                _peak_rss_mb(),
                versus_naive=True,
            )
        )
        self._say(row("floor: COPY into UNLOGGED", floor, figures.floor_rows, None))
        durable = figures.durable_floor_seconds
        durable_rows = sum(figures.durable_floor_rows.values())
        self._say(
            row("durable floor: logged COPY", durable, durable_rows, None)
            + (f"  cycle = {figures.cycle_seconds / durable:.2f}× this" if durable else "")
        )
        self._say(
            row(
                f"naive save() ×{figures.naive_sample} → N",
                naive,
                figures.insured,
                None,
                versus_naive=True,
            )
        )
        self._say(
            f"completed: {figures.completed}; peak RSS {_peak_rss_mb():,.0f} MB; load "
            f"average {figures.load_start} at the start, "
            f"{[round(load, 2) for load in os.getloadavg()]} at the end"
        )
