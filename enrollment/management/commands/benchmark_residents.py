"""``manage.py benchmark_residents --residents N [--city jinan] [--json FILE]``: the annual
resident assessment at city scale (a large city has ~4,000,000 residents, DOMAIN §13).

Builds N registered residents and their enrollments for the benchmark year (2099, so no
real year is touched) in SQL, spread over the city's member units and the four categories
(a second run reuses them), then times ``resident_contributions_assess`` — one set-based
``INSERT … SELECT`` for the whole year — and prints seconds, rows per second and the peak
memory of the process. PostgreSQL only; not with ``DEBUG=1``.
"""

import json
import os
import resource
import time

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction

from enrollment.people.models import InsuredPerson
from enrollment.residents.models import ResidentContribution, ResidentEnrollment
from enrollment.residents.services import resident_contributions_assess
from pooling.structure.demo import seed_structure
from pooling.structure.models import Municipality
from pooling.structure.presets import CITIES

BENCHMARK_YEAR = 2099
# The benchmark residents' ID numbers: 'B' and a running number, which no real ID has.
ID_PREFIX = "B"


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class Command(BaseCommand):
    help = "Time the set-based annual resident assessment for N residents."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--residents", type=int, required=True)
        parser.add_argument("--city", default="jinan", choices=sorted(CITIES))
        parser.add_argument("--json", dest="json_path", default="")

    def handle(self, *args, residents: int, city: str, json_path: str, **options) -> None:
        if connection.vendor != "postgresql":
            raise CommandError("benchmark_residents needs PostgreSQL (DATABASE_URL).")
        if residents < 1:
            raise CommandError("--residents ≥ 1.")
        preset = CITIES[city]
        municipality = Municipality.objects.filter(code=preset.code).first()
        if municipality is None:
            municipality = seed_structure(preset, log=lambda message: None)
        started = time.perf_counter()
        built = self._build(municipality, residents)
        build_seconds = time.perf_counter() - started
        ResidentContribution.objects.filter(
            municipality=municipality, benefit_year=BENCHMARK_YEAR
        ).delete()
        with connection.cursor() as cursor:
            cursor.execute("CHECKPOINT")
        started = time.perf_counter()
        assessed = resident_contributions_assess(
            municipality=municipality, benefit_year=BENCHMARK_YEAR, actor=None
        )
        seconds = time.perf_counter() - started
        figures = {
            "residents": residents,
            "residents_built": built,
            "build_seconds": round(build_seconds, 2),
            "assessed": assessed,
            "assessment_seconds": round(seconds, 2),
            "rows_per_second": round(assessed / seconds) if seconds else None,
            "peak_rss_mb": round(_peak_rss_mb(), 1),
            "load_average": [round(load, 2) for load in os.getloadavg()],
        }
        self.stdout.write(
            f"Assessed {assessed:,} resident contributions in {seconds:.2f} s "
            f"({figures['rows_per_second']:,} rows/s); peak RSS {figures['peak_rss_mb']} MB "
            f"(residents built in {build_seconds:.1f} s)"
        )
        if json_path:
            with open(json_path, "w", encoding="utf-8") as handle:
                json.dump(figures, handle, indent=2)

    @transaction.atomic
    def _build(self, municipality: Municipality, residents: int) -> int:
        """Residents 1…N of the benchmark, with their enrollments for the benchmark year, in
        two ``INSERT … SELECT`` over ``generate_series``; those already there are kept."""
        counties = list(municipality.counties.order_by("code").values_list("pk", flat=True))
        existing = InsuredPerson.objects.filter(
            municipality=municipality, id_number__startswith=ID_PREFIX
        ).count()
        person_table = InsuredPerson._meta.db_table
        enrollment_table = ResidentEnrollment._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(
                f"""
                INSERT INTO {person_table}
                    (municipality_id, county_id, id_number, name, birth_date, sex, category,
                     status, created_at)
                SELECT %s, (%s::bigint[])[1 + i %% %s], %s || lpad(i::text, 17, '0'),
                       '居民' || i, DATE '1960-01-01' + (i %% 20000), CASE WHEN i %% 2 = 0
                       THEN 'F' ELSE 'M' END, (ARRAY['child', 'student', 'elderly',
                       'resident_other'])[1 + i %% 4], 'active', now()
                FROM generate_series(%s, %s) AS i
                """,  # noqa: S608 - table names from the models
                [municipality.pk, counties, len(counties), ID_PREFIX, existing + 1, residents],
            )
            cursor.execute(
                f"""
                INSERT INTO {enrollment_table}
                    (person_id, municipality_id, county_id, benefit_year, category,
                     assisted_group, payer, enrolled_on, late, years_without_enrollment,
                     waiting_months, benefits_from, continuous_years, claim_free_years,
                     ceiling_increment, created_at)
                SELECT p.id, p.municipality_id, p.county_id, %s,
                       (ARRAY['student_child', 'college_student', 'elderly',
                       'other'])[1 + p.id %% 4], 'none', 'self', DATE '2098-10-15', false, 0,
                       0, DATE '2099-01-01', 1, 0, 0, now()
                FROM {person_table} p
                WHERE p.municipality_id = %s AND p.id_number LIKE %s
                  AND NOT EXISTS (SELECT 1 FROM {enrollment_table} e
                                  WHERE e.person_id = p.id AND e.benefit_year = %s)
                """,  # noqa: S608 - table names from the models
                [BENCHMARK_YEAR, municipality.pk, f"{ID_PREFIX}%", BENCHMARK_YEAR],
            )
        return max(residents - existing, 0)
