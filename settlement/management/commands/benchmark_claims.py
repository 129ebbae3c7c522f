"""``python manage.py benchmark_claims --claims 300000 [--json FILE]`` times the set-based
settlement of a month of claims (DOMAIN §15) on PostgreSQL.

A synthetic month over a city's people: outpatient-heavy (80 % general outpatient, 15 %
inpatient, 5 % specified disease), skewed so that some people have many claims and some cross
their annual ceiling, half paying from their personal account. In one run it times

- the floor: ``COPY`` of the same claim rows into a table shaped like the claims;
- the settlement: ``claims_settle`` (one SQL statement of window functions);
- a naive per-claim ORM loop (standard, the person's earlier totals, the account balance,
  one save per claim) over the claims of a sample of people, extrapolated to N; its figures
  are compared with the set-based ones.

Run it on a database made for it: the people and claims stay (claims of the benchmark month
are replaced on each run).
"""

import datetime
import json
import resource
import tempfile
import time
from decimal import ROUND_HALF_UP, Decimal

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction
from django.db.models import Count, Q, Sum

from enrollment.people.demo import demo_population_create
from enrollment.people.models import InsuredPerson
from enrollment.personal_accounts.models import PersonalAccountMovement
from pooling.core.periods import in_force
from pooling.structure.demo import seed_structure
from pooling.structure.presets import CITIES
from settlement.benefits.claims.models import Claim
from settlement.benefits.claims.services import claims_settle
from settlement.benefits.standards.models import BenefitStandard
from settlement.benefits.standards.services import benefit_standards_preset
from settlement.institutions.models import DesignatedInstitution
from settlement.institutions.services import institution_admit

CLAIMS_PER_PERSON = 5
LEVELS = ("primary", "secondary", "tertiary")
FEN = Decimal("0.01")


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class Command(BaseCommand):
    help = "Time the set-based settlement of N claims against a COPY floor and a naive loop."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--claims", type=int, default=300_000)
        parser.add_argument("--city", choices=sorted(CITIES), default="jining")
        parser.add_argument("--month", default="2026-03", help="YYYY-MM of the claims")
        parser.add_argument("--sample", type=int, default=2_000, help="claims in the naive loop")
        parser.add_argument("--json", dest="json_file", default=None)

    def handle(self, *args, claims: int, city: str, month: str, sample: int, json_file, **options):
        if connection.vendor != "postgresql":
            raise CommandError("benchmark_claims runs on PostgreSQL.")
        if claims < 1:
            raise CommandError("--claims must be at least 1.")
        settle_month = datetime.date.fromisoformat(f"{month}-01")
        municipality = seed_structure(CITIES[city], log=lambda message: None)
        people = max(claims // CLAIMS_PER_PERSON, 50)
        demo_population_create(
            municipality=municipality,
            insured=people,
            from_month=settle_month.replace(month=1),
            log=lambda message: None,
        )
        benefit_standards_preset(
            municipality=municipality, effective_from=settle_month.replace(month=1), actor=None
        )
        hospitals = self._hospitals(municipality, settle_month)
        self._accounts(municipality, settle_month)
        self._claims(municipality, settle_month, claims, people, hospitals)
        floor_seconds = self._floor(municipality, settle_month)
        naive_seconds, naive_claims, naive_results = self._naive(municipality, settle_month, sample)
        started = time.perf_counter()
        result = claims_settle(municipality=municipality, month=settle_month, actor=None)
        settle_seconds = time.perf_counter() - started
        mismatches = self._compare(naive_results)
        naive_extrapolated = naive_seconds / max(naive_claims, 1) * claims
        figures = {
            "claims": claims,
            "people": people,
            "settled": result.settled,
            "settle_seconds": round(settle_seconds, 2),
            "claims_per_second": round(claims / settle_seconds) if settle_seconds else None,
            "floor_seconds": round(floor_seconds, 2),
            "settle_over_floor": round(settle_seconds / floor_seconds, 2),
            "naive_sample_claims": naive_claims,
            "naive_sample_seconds": round(naive_seconds, 2),
            "naive_seconds_extrapolated": round(naive_extrapolated, 1),
            "naive_over_settle": round(naive_extrapolated / settle_seconds, 1),
            "naive_mismatches": mismatches,
            "peak_rss_mb": round(_peak_rss_mb(), 1),
        }
        for key, value in figures.items():
            self.stdout.write(f"{key:>28}: {value}")
        if json_file:
            with open(json_file, "w", encoding="utf-8") as handle:
                json.dump(figures, handle, indent=2)

    def _hospitals(self, municipality, month) -> list[int]:
        """Three hospitals (primary, secondary, tertiary) per county, under agreement."""
        ids = []
        for county in municipality.counties.order_by("code"):
            for number, level in enumerate(LEVELS, start=1):
                code = f"H{county.code}{90000 + number:05d}"
                hospital = DesignatedInstitution.objects.filter(code=code).first()
                if hospital is None:
                    hospital = institution_admit(
                        county=county,
                        kind="hospital",
                        code=code,
                        name=f"{county.name}基准医院{number}",
                        level=level,
                        agreement_from=month.replace(month=1, day=1),
                        agreement_to=month.replace(month=12, day=31),
                        admitted_on=month.replace(month=1, day=1),
                        actor=None,
                    )
                ids.append(hospital.pk)
        return ids

    def _accounts(self, municipality, month) -> None:
        """A personal-account balance of 0–3,000 yuan per person, once."""
        table = PersonalAccountMovement._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(
                f"""
                INSERT INTO {table} (person_id, county_id, month, amount, reason, created_at)
                SELECT p.id, p.county_id, %(month)s, (p.id %% 3001)::numeric, 'correction', now()
                FROM {InsuredPerson._meta.db_table} p
                WHERE p.municipality_id = %(municipality)s
                  AND NOT EXISTS (SELECT 1 FROM {table} m WHERE m.person_id = p.id)
                """,
                {"month": month.replace(month=1), "municipality": municipality.pk},
            )

    @transaction.atomic
    def _claims(self, municipality, month, count, people, hospitals) -> None:
        """N claims of the month generated in SQL: a cube-skewed choice of person (a few people
        with many claims), amounts by medical type, a heavy inpatient tail that crosses the
        ceiling for the busiest people."""
        with connection.cursor() as cursor:
            # In SQL: the ORM's delete would load every claim to check what refers to it.
            cursor.execute(
                f"DELETE FROM {Claim._meta.db_table} WHERE municipality_id = %s AND month = %s",
                [municipality.pk, month],
            )
            cursor.execute("SELECT setseed(0.18)")
            cursor.execute(
                f"""
                WITH persons AS (
                    SELECT id, county_id, ROW_NUMBER() OVER (ORDER BY id) - 1 AS n,
                           CASE WHEN category = 'retiree' THEN 'retired' ELSE 'in_service' END
                               AS person_category
                    FROM {InsuredPerson._meta.db_table}
                    WHERE municipality_id = %(municipality)s
                    ORDER BY id LIMIT %(people)s
                ), draws AS (
                    SELECT g,
                           FLOOR(%(people)s * POWER(random(), 3))::int AS n,
                           random() AS kind, random() AS size, random() AS own,
                           (%(hospitals)s::int[])[1 + FLOOR(random() * %(hospital_count)s)::int]
                               AS institution_id,
                           random() < 0.5 AS by_account,
                           FLOOR(random() * 27)::int AS day, FLOOR(random() * 86400)::int AS second
                    FROM generate_series(1, %(count)s) g
                ), priced AS (
                    SELECT d.*, p.id AS person_id, p.person_category,
                           CASE WHEN d.kind < 0.80 THEN 'general_outpatient'
                                WHEN d.kind < 0.95 THEN 'inpatient'
                                ELSE 'specified_disease' END AS med_type,
                           ROUND(CASE WHEN d.kind < 0.80 THEN 30 + d.size * 470
                                      WHEN d.kind < 0.95 THEN 3000 + POWER(d.size, 4) * 197000
                                      ELSE 200 + d.size * 1800 END::numeric, 2) AS total
                    FROM draws d JOIN persons p ON p.n = d.n
                )
                INSERT INTO {Claim._meta.db_table} (
                    municipality_id, county_id, institution_id, person_id, setl_id, med_type,
                    referral, begndate, setl_time, month, scheme, person_category,
                    acct_used_flag, medfee_sumamt, fulamt_ownpay_amt, overlmt_selfpay,
                    preselfpay_amt, inscp_scp_amt, status, created_at)
                SELECT %(municipality)s, i.county_id, r.institution_id, r.person_id,
                       'BENCH-' || %(label)s || '-' || r.g, r.med_type, 'in_city',
                       %(month)s::date + r.day,
                       %(month)s::timestamptz + (r.day || ' days')::interval
                           + (r.second || ' seconds')::interval,
                       %(month)s, 'employee', r.person_category, r.by_account,
                       r.total, ROUND(r.total * 0.08, 2), 0, ROUND(r.total * 0.04, 2),
                       r.total - ROUND(r.total * 0.08, 2) - ROUND(r.total * 0.04, 2),
                       'accepted', now()
                FROM priced r
                JOIN {DesignatedInstitution._meta.db_table} i ON i.id = r.institution_id
                """,
                {
                    "municipality": municipality.pk,
                    "people": people,
                    "count": count,
                    "hospitals": hospitals,
                    "hospital_count": len(hospitals),
                    "month": month,
                    "label": f"{month:%Y%m}",
                },
            )
            for model in (Claim, BenefitStandard, PersonalAccountMovement):
                cursor.execute("ANALYZE " + model._meta.db_table)

    def _floor(self, municipality, month) -> float:
        """Seconds to COPY the month's claim rows into a table shaped like the claims."""
        table = Claim._meta.db_table
        # On disk, not in memory: the process's peak memory must not grow with N.
        with (
            tempfile.TemporaryFile("w+", encoding="utf-8") as buffer,
            connection.cursor() as cursor,
        ):
            cursor.execute(f"CREATE TEMP TABLE claim_floor (LIKE {table} INCLUDING DEFAULTS)")
            cursor.copy_expert(
                f"COPY (SELECT * FROM {table} WHERE municipality_id = {int(municipality.pk)} "
                f"AND month = '{month.isoformat()}') TO STDOUT",
                buffer,
            )
            buffer.seek(0)
            started = time.perf_counter()
            cursor.copy_expert("COPY claim_floor FROM STDIN", buffer)
            seconds = time.perf_counter() - started
            cursor.execute("DROP TABLE claim_floor")
        return seconds

    def _naive(self, municipality, month, sample: int):
        """A per-claim ORM loop over every claim of the first people whose claims make up
        ``sample``: the standard, the person's earlier totals and balance queried per claim,
        one save per claim."""
        counts = (
            Claim.objects.filter(municipality=municipality, month=month)
            .values("person_id")
            .annotate(n=Count("pk"))
            .order_by("person_id")
        )
        chosen, total = [], 0
        for row in counts.iterator():
            if total >= sample:
                break
            chosen.append(row["person_id"])
            total += row["n"]
        claims = (
            Claim.objects.filter(municipality=municipality, month=month, person_id__in=chosen)
            .select_related("institution")
            .order_by("person_id", "setl_time", "pk")
        )
        results = {}
        started = time.perf_counter()
        with transaction.atomic():
            for claim in claims:
                results[claim.pk] = self._price_one(claim, month)
        seconds = time.perf_counter() - started
        return seconds, len(results), results

    def _price_one(self, claim: Claim, month) -> tuple:
        standard = (
            BenefitStandard.objects.filter(
                municipality_id=claim.municipality_id,
                scheme=claim.scheme,
                person_category=claim.person_category,
                institution_level=claim.institution.level,
                medical_type=claim.med_type,
                referral=claim.referral,
            )
            .filter(in_force(claim.begndate))
            .get()
        )
        earlier = Claim.objects.filter(
            person_id=claim.person_id,
            status=Claim.Status.SETTLED,
            month__gte=month.replace(month=1),
        ).filter(Q(setl_time__lt=claim.setl_time) | Q(setl_time=claim.setl_time, pk__lt=claim.pk))
        totals = earlier.aggregate(
            basic=Sum("hifp_pay"),
            segment=Sum("hifmi_pay") + Sum("hifob_pay"),
            account=Sum("acct_pay"),
            admissions=Count("pk", filter=Q(med_type="inpatient")),
        )
        admission = (totals["admissions"] or 0) + (claim.med_type == "inpatient")
        repeat = claim.med_type == "inpatient" and admission >= 2
        deductible = standard.deductible_repeat if repeat and standard.deductible_repeat else None
        deductible = min(claim.inscp_scp_amt, deductible or standard.deductible)
        raw = ((claim.inscp_scp_amt - deductible) * standard.payment_ratio).quantize(
            FEN, ROUND_HALF_UP
        )
        used = totals["basic"] or Decimal("0")
        hifp = min(raw, max(standard.annual_ceiling - used, Decimal("0")))
        base = (
            ((raw - hifp) / standard.payment_ratio).quantize(FEN, ROUND_HALF_UP)
            if standard.payment_ratio
            else Decimal("0")
        )
        segment_raw = (base * standard.segment_ratio).quantize(FEN, ROUND_HALF_UP)
        segment_room = standard.segment_ceiling - (totals["segment"] or Decimal("0"))
        segment = min(segment_raw, max(segment_room, Decimal("0")))
        person_part = claim.medfee_sumamt - hifp - segment
        account = Decimal("0")
        if claim.acct_used_flag:
            balance = PersonalAccountMovement.objects.filter(
                person_id=claim.person_id, month__lte=claim.month
            ).aggregate(total=Sum("amount"))["total"] or Decimal("0")
            left = balance - (totals["account"] or Decimal("0"))
            account = max(min(person_part, left), Decimal("0"))
        claim.status = Claim.Status.SETTLED
        claim.act_pay_dedc, claim.hifp_pay = deductible, hifp
        claim.hifmi_pay = segment if standard.segment_fund == "critical_illness" else 0
        claim.hifob_pay = segment if standard.segment_fund == "large_expense" else 0
        claim.psn_part_amt, claim.acct_pay = person_part, account
        claim.psn_cash_pay = person_part - account
        claim.save(
            update_fields=[
                "status",
                "act_pay_dedc",
                "hifp_pay",
                "hifmi_pay",
                "hifob_pay",
                "psn_part_amt",
                "acct_pay",
                "psn_cash_pay",
            ]
        )
        return (deductible, hifp, segment, person_part, account)

    def _compare(self, naive: dict) -> int:
        """How many sample claims the set-based settlement priced differently."""
        mismatches = 0
        for claim in Claim.objects.filter(pk__in=list(naive)).iterator():
            set_based = (
                claim.act_pay_dedc,
                claim.hifp_pay,
                claim.hifmi_pay + claim.hifob_pay,
                claim.psn_part_amt,
                claim.acct_pay,
            )
            mismatches += set_based != naive[claim.pk]
        return mismatches
