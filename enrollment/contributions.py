"""The contribution arithmetic of N 三(二): the monthly assessment (set-based SQL), the
matching of collection rows, and the one-off top-ups. Rule values always come from the dated
``PolicyRule`` rows in force for the month computed; nothing here writes an audit event (the
services in ``enrollment.services`` do)."""

import csv
import datetime
import io
import re
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from enrollment.imports import ImportReport, parse_amount
from enrollment.models import (
    EMPLOYER_SCOPES,
    FLEXIBLE_SCOPES,
    Assessment,
    CollectionAllocation,
    CollectionBatch,
    CollectionRow,
    Employer,
    EnrollmentEpisode,
    InsuredPerson,
    Scheme,
    Scope,
)
from pooling.db import bulk_work_mem
from pooling.models import County, Municipality
from pooling.money import parse_month, round_money
from pooling.selectors import rule_value

ZERO = Decimal("0.00")
MONTHS_PER_YEAR = 12


class FileRejected(ValidationError):
    """A file with unreadable rows: nothing was imported; ``report`` lists every error."""

    def __init__(self, report: ImportReport):
        super().__init__({"file": [_("The file has errors; nothing was imported.")]})
        self.report = report


# Monthly assessment ----------------------------------------------------------------------------


def assessment_parameters(
    *, municipality: Municipality, county: County, month: datetime.date
) -> dict:
    """The rule values in force for ``month`` in ``county`` that the assessment needs.

    Floor and cap are the monthly average wage times their shares (N 三(二)1); a flexible
    worker pays ``flexible_rate`` × the provincial average wage / 12, rounded to the fen.
    """

    def rule(key: str) -> Decimal:
        return rule_value(municipality=municipality, key=key, on=month, county=county)

    monthly_average = rule("provincial_average_wage") / MONTHS_PER_YEAR
    return {
        "employer_rate_public": rule("employer_rate_public"),
        "employer_rate_other": rule("employer_rate_other"),
        "maternity_rate_public": rule("maternity_rate_public"),
        "maternity_rate_other": rule("maternity_rate_other"),
        "individual_rate": rule("individual_rate"),
        "base_floor": round_money(monthly_average * rule("base_floor_share")),
        "base_cap": round_money(monthly_average * rule("base_cap_share")),
        "flexible_base": round_money(monthly_average),
        "flexible_amount": round_money(monthly_average * rule("flexible_rate")),
        "critical_illness_premium": rule("critical_illness_premium"),
        "critical_illness_employer": rule("critical_illness_employer_part"),
        "retiree_monthly": rule("retiree_personal_account_monthly"),
    }


def _in(values) -> str:
    return "(" + ", ".join(f"'{value}'" for value in sorted(values)) + ")"


_EMPLOYER = _in(EMPLOYER_SCOPES)
_FLEXIBLE = _in(FLEXIBLE_SCOPES)

# Half-up rounding: PostgreSQL's numeric ROUND rounds half away from zero, which is half-up
# for the non-negative amounts here. Scope lists are fixed enumerations, not user input.
ASSESSMENT_SQL = f"""
WITH source AS (
    SELECT e.county_id, p.*, e.person_id, e.id AS episode_id, e.employer_id, e.scope,
           COALESCE(r.unit_type, '') AS unit_type,
           COALESCE(r.status, '') AS employer_status,
           CASE
               WHEN e.scope IN {_EMPLOYER} THEN LEAST(GREATEST(
                   ROUND(b.yearly_wage / 12, 2), p.base_floor), p.base_cap)
               WHEN e.scope IN {_FLEXIBLE} THEN p.flexible_base
               ELSE 0
           END AS base
    FROM enrollment_enrollmentepisode e
    JOIN unnest(
        %(county)s::bigint[],
        %(base_floor)s::numeric[],
        %(base_cap)s::numeric[],
        %(flexible_base)s::numeric[],
        %(employer_rate_public)s::numeric[],
        %(employer_rate_other)s::numeric[],
        %(maternity_rate_public)s::numeric[],
        %(maternity_rate_other)s::numeric[],
        %(critical_illness_employer)s::numeric[],
        %(flexible_amount)s::numeric[],
        %(individual_rate)s::numeric[],
        %(critical_illness_premium)s::numeric[],
        %(retiree_monthly)s::numeric[]
    ) AS p(county, base_floor, base_cap, flexible_base, employer_rate_public,
           employer_rate_other, maternity_rate_public, maternity_rate_other,
           critical_illness_employer, flexible_amount, individual_rate,
           critical_illness_premium, retiree_monthly)
      ON p.county = e.county_id
    LEFT JOIN enrollment_employer r ON r.id = e.employer_id
    LEFT JOIN enrollment_contributionbase b ON b.person_id = e.person_id AND b.year = %(year)s
    WHERE e.scheme = 'employee'
      AND e.from_month <= %(month)s AND (e.to_month IS NULL OR e.to_month >= %(month)s)
      AND (e.scope NOT IN {_EMPLOYER} OR b.id IS NOT NULL)
), parts AS (
    SELECT source.*,
           CASE WHEN scope IN {_EMPLOYER} THEN ROUND(base * CASE WHEN unit_type = 'public'
               THEN employer_rate_public ELSE employer_rate_other END, 2)
               ELSE 0 END AS employer_basic,
           CASE WHEN scope IN {_EMPLOYER} THEN ROUND(base * CASE WHEN unit_type = 'public'
               THEN maternity_rate_public ELSE maternity_rate_other END, 2)
               ELSE 0 END AS employer_maternity,
           CASE WHEN scope IN {_EMPLOYER} THEN critical_illness_employer
               WHEN scope = 'retiree' AND employer_id IS NOT NULL
                    AND employer_status <> 'bankrupt' THEN critical_illness_employer
               ELSE 0 END AS employer_critical_illness,
           CASE WHEN scope IN {_FLEXIBLE} THEN flexible_amount ELSE 0 END
               AS individual_pooled_fund,
           CASE WHEN scope IN {_EMPLOYER} THEN ROUND(base * individual_rate, 2) ELSE 0 END
               AS individual_personal_account,
           CASE WHEN scope IN {_EMPLOYER} OR (scope = 'retiree' AND employer_id IS NOT NULL)
               THEN critical_illness_premium - critical_illness_employer
               ELSE critical_illness_premium END AS individual_critical_illness,
           CASE WHEN scope = 'retiree' THEN retiree_monthly ELSE 0 END
               AS retiree_account_credit
    FROM source
)
INSERT INTO enrollment_assessment (
    municipality_id, county_id, person_id, employer_id, episode_id, month, scope, unit_type,
    base, employer_pooled_fund, employer_maternity, employer_critical_illness,
    individual_pooled_fund, individual_personal_account, individual_critical_illness,
    employer_total, individual_total, total_due, retiree_account_credit, created_at)
SELECT %(municipality)s, county_id, person_id, employer_id, episode_id, %(month)s, scope,
       unit_type, base, employer_basic - employer_maternity, employer_maternity,
       employer_critical_illness, individual_pooled_fund, individual_personal_account,
       individual_critical_illness, employer_basic + employer_critical_illness,
       individual_pooled_fund + individual_personal_account + individual_critical_illness,
       employer_basic + employer_critical_illness + individual_pooled_fund
           + individual_personal_account + individual_critical_illness,
       retiree_account_credit, %(now)s
FROM parts
ON CONFLICT (person_id, month) DO NOTHING
"""


_PARAMETER_KEYS = (
    "base_floor", "base_cap", "flexible_base", "employer_rate_public", "employer_rate_other",
    "maternity_rate_public", "maternity_rate_other", "critical_illness_employer",
    "flexible_amount", "individual_rate", "critical_illness_premium", "retiree_monthly",
)  # fmt: skip


def assessment_insert(
    *, municipality: Municipality, county: County, month: datetime.date, parameters: dict
) -> int:
    """Insert the missing assessments of ``county`` for ``month``; returns rows added."""
    return assessment_insert_counties(
        municipality=municipality, month=month, parameters={county: parameters}
    )


def assessment_insert_counties(
    *, municipality: Municipality, month: datetime.date, parameters: dict[County, dict]
) -> int:
    """Insert the missing assessments of ``month`` for every county in ``parameters`` (each
    with its own rules in force); returns rows added.

    On PostgreSQL one set-based statement for all counties: the per-county rule values are
    passed as arrays and joined to the episodes, so the episodes, bases and employers are
    scanned once, not once per county (issue 9). SQLite stores decimals as floating point,
    so there the same arithmetic runs in Python on ``Decimal``, county by county (the
    quick-start database only).
    """
    common = {"municipality": municipality.pk, "month": month, "year": month.year}
    common["now"] = timezone.now()
    if connection.vendor == "postgresql":
        counties = list(parameters)
        values = {
            **common,
            "county": [county.pk for county in counties],
            **{key: [parameters[county][key] for county in counties] for key in _PARAMETER_KEYS},
        }
        bulk_work_mem()
        with connection.cursor() as cursor:
            cursor.execute(ASSESSMENT_SQL, values)
            return cursor.rowcount
    return sum(
        _assessment_insert_portable({**values, **common, "county": county.pk})
        for county, values in parameters.items()
    )


def assessment_amounts(
    *,
    scope: str,
    unit_type: str,
    employer_status: str,
    has_employer: bool,
    yearly_wage,
    parameters: dict,
) -> dict:
    """The amounts of one assessment, in Decimal; the same arithmetic as ``ASSESSMENT_SQL``."""
    p = parameters
    employer_basic = maternity = employer_ci = individual_pooled = personal_account = ZERO
    retiree_credit = ZERO
    individual_ci = p["critical_illness_premium"]
    base = ZERO
    if scope in EMPLOYER_SCOPES:
        base = min(max(round_money(yearly_wage / MONTHS_PER_YEAR), p["base_floor"]), p["base_cap"])
        public = unit_type == Employer.UnitType.PUBLIC
        employer_basic = round_money(
            base * p["employer_rate_public" if public else "employer_rate_other"]
        )
        maternity = round_money(
            base * p["maternity_rate_public" if public else "maternity_rate_other"]
        )
        employer_ci = p["critical_illness_employer"]
        personal_account = round_money(base * p["individual_rate"])
        individual_ci = p["critical_illness_premium"] - p["critical_illness_employer"]
    elif scope in FLEXIBLE_SCOPES:
        base = p["flexible_base"]
        individual_pooled = p["flexible_amount"]
    elif scope == Scope.RETIREE:
        retiree_credit = p["retiree_monthly"]
        if has_employer:
            individual_ci = p["critical_illness_premium"] - p["critical_illness_employer"]
            if employer_status != Employer.Status.BANKRUPT:
                employer_ci = p["critical_illness_employer"]
    employer_total = employer_basic + employer_ci
    individual_total = individual_pooled + personal_account + individual_ci
    return {
        "base": base,
        "employer_pooled_fund": employer_basic - maternity,
        "employer_maternity": maternity,
        "employer_critical_illness": employer_ci,
        "individual_pooled_fund": individual_pooled,
        "individual_personal_account": personal_account,
        "individual_critical_illness": individual_ci,
        "employer_total": employer_total,
        "individual_total": individual_total,
        "total_due": employer_total + individual_total,
        "retiree_account_credit": retiree_credit,
    }


def _assessment_insert_portable(values: dict) -> int:
    month = values["month"]
    episodes = (
        EnrollmentEpisode.objects.filter(
            county_id=values["county"], scheme=Scheme.EMPLOYEE, from_month__lte=month
        )
        .filter(Q(to_month__isnull=True) | Q(to_month__gte=month))
        .exclude(person__assessments__month=month)
        .select_related("employer")
    )
    wages = dict(
        InsuredPerson.objects.filter(episodes__in=episodes, bases__year=month.year).values_list(
            "pk", "bases__yearly_wage"
        )
    )
    objects = []
    for episode in episodes.iterator(chunk_size=2000):
        if episode.scope in EMPLOYER_SCOPES and episode.person_id not in wages:
            continue
        employer = episode.employer
        amounts = assessment_amounts(
            scope=episode.scope,
            unit_type=employer.unit_type if employer else "",
            employer_status=employer.status if employer else "",
            has_employer=employer is not None,
            yearly_wage=Decimal(wages.get(episode.person_id) or 0),
            parameters=values,
        )
        objects.append(
            Assessment(
                municipality_id=values["municipality"],
                county_id=values["county"],
                person_id=episode.person_id,
                employer_id=episode.employer_id,
                episode=episode,
                month=month,
                scope=episode.scope,
                unit_type=employer.unit_type if employer else "",
                **amounts,
            )
        )
    before = Assessment.objects.filter(county_id=values["county"], month=month).count()
    Assessment.objects.bulk_create(objects, batch_size=2000, ignore_conflicts=True)
    return Assessment.objects.filter(county_id=values["county"], month=month).count() - before


# Collections -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ParsedCollectionRow:
    number: int
    payer_code: str
    month: datetime.date
    amount: Decimal


def collection_rows_parse(
    table: list[tuple[int, dict]],
) -> tuple[list[ParsedCollectionRow], ImportReport]:
    """Read payer code, month (YYYY-MM) and amount of every row, reporting what is unreadable."""
    report = ImportReport()
    parsed = []
    for number, row in table:
        code = row.get("payer_code", "").strip().upper()
        if len(code) != 18:
            report.add(
                number,
                "payer_code",
                code,
                gettext_lazy("The payer is an 18-character credit code or resident ID."),
            )
        try:
            month = parse_month(row.get("month", "")[:7])
        except ValidationError as error:
            report.add(number, "month", row.get("month", ""), error)
            month = None
        amount = parse_amount(row.get("amount", ""))
        if amount is None:
            report.add(
                number,
                "amount",
                row.get("amount", ""),
                gettext_lazy("Not an amount in yuan with at most two decimals, zero or more."),
            )
        if len(code) == 18 and month is not None and amount is not None:
            parsed.append(ParsedCollectionRow(number, code, month, amount))
    report.valid_rows = len(parsed)
    return parsed, report


_PARTS = ("pooled_fund", "maternity", "personal_account", "critical_illness")


def _allocation_for(
    assessment: dict, batch: CollectionBatch, row: CollectionRow
) -> CollectionAllocation:
    return CollectionAllocation(
        row=row,
        batch=batch,
        assessment_id=assessment["pk"],
        county_id=assessment["county_id"],
        person_id=assessment["person_id"],
        month=assessment["month"],
        pooled_fund=assessment["employer_pooled_fund"] + assessment["individual_pooled_fund"],
        maternity=assessment["employer_maternity"],
        personal_account=assessment["individual_personal_account"],
        critical_illness=assessment["employer_critical_illness"]
        + assessment["individual_critical_illness"],
        amount=assessment["total_due"],
    )


def collection_match(
    *, municipality: Municipality, batch: CollectionBatch, parsed: list[ParsedCollectionRow]
) -> tuple[list[CollectionRow], list[CollectionAllocation]]:
    """Match parsed rows to unpaid assessments (one query per kind, no query per row).

    An assessment is paid once, fully: it is allocated when a row covers its whole amount.
    """
    codes = {row.payer_code for row in parsed}
    months = {row.month for row in parsed}
    people = dict(
        InsuredPerson.objects.filter(municipality=municipality, id_number__in=codes).values_list(
            "id_number", "pk"
        )
    )
    employers = {
        code: (pk, county_id)
        for code, pk, county_id in Employer.objects.filter(
            municipality=municipality, credit_code__in=codes
        ).values_list("credit_code", "pk", "county_id")
    }
    fields = [
        "pk", "county_id", "person_id", "employer_id", "month", "total_due",
        "employer_pooled_fund", "individual_pooled_fund", "employer_maternity",
        "individual_personal_account", "employer_critical_illness", "individual_critical_illness",
    ]  # fmt: skip
    assessments = Assessment.objects.filter(municipality=municipality, month__in=months).filter(
        Q(person_id__in=people.values())
        | Q(employer_id__in=[pk for pk, _county in employers.values()])
    )
    paid = set(
        CollectionAllocation.objects.filter(assessment__in=assessments).values_list(
            "assessment_id", flat=True
        )
    )
    by_person: dict[tuple, dict] = {}
    by_employer: dict[tuple, list[dict]] = {}
    for assessment in assessments.values(*fields):
        by_person[(assessment["person_id"], assessment["month"])] = assessment
        if assessment["employer_id"] is not None:
            by_employer.setdefault((assessment["employer_id"], assessment["month"]), []).append(
                assessment
            )
    seen: set[tuple] = set()
    rows: list[CollectionRow] = []
    allocations: list[CollectionAllocation] = []
    for item in parsed:
        row = CollectionRow(
            batch=batch,
            row_number=item.number,
            payer_code=item.payer_code,
            month=item.month,
            amount=item.amount,
        )
        rows.append(row)
        key = (item.payer_code, item.month)
        if key in seen:
            _report(
                row,
                CollectionRow.Outcome.DUPLICATE,
                _("The same payer and month appear earlier in this file."),
            )
            continue
        seen.add(key)
        if item.payer_code in people:
            row.person_id = people[item.payer_code]
            found = by_person.get((row.person_id, item.month))
            due_list = [found] if found is not None else []
            if found is not None:
                row.county_id = found["county_id"]
        elif item.payer_code in employers:
            row.employer_id, row.county_id = employers[item.payer_code]
            due_list = by_employer.get((row.employer_id, item.month), [])
        else:
            _report(
                row,
                CollectionRow.Outcome.UNMATCHED,
                _("No insured person or employer has this code."),
            )
            continue
        if not due_list:
            _report(
                row,
                CollectionRow.Outcome.UNMATCHED,
                _("Nothing is assessed for this payer and month."),
            )
            continue
        unpaid = [assessment for assessment in due_list if assessment["pk"] not in paid]
        due = sum((assessment["total_due"] for assessment in unpaid), ZERO)
        if not unpaid:
            _report(row, CollectionRow.Outcome.OVERPAID, _("This month is already paid."))
            continue
        if item.amount < due:
            _report(
                row,
                CollectionRow.Outcome.UNDERPAID,
                _("Paid %(paid)s of %(due)s owed; nothing allocated.")
                % {"paid": item.amount, "due": due},
            )
            continue
        paid.update(assessment["pk"] for assessment in unpaid)
        allocations.extend(_allocation_for(assessment, batch, row) for assessment in unpaid)
        row.allocated_amount = due
        row.unallocated_amount = item.amount - due
        if row.unallocated_amount:
            row.outcome = CollectionRow.Outcome.OVERPAID
            row.reason = _("Paid %(excess)s more than the %(due)s owed.") % {
                "excess": row.unallocated_amount,
                "due": due,
            }
        else:
            row.outcome = CollectionRow.Outcome.MATCHED
    return rows, allocations


# Collections at city scale (issue 9): COPY into a staging table, then set-based SQL --------------
#
# A city's month is ~2 million assessments: building one Python object per person (the path
# above) took 60 % of the cycle and all its memory growth. On PostgreSQL the file is instead
# streamed through a strict screen into a temporary table with ``COPY`` and matched with
# ``INSERT … SELECT``. The screen accepts only rows the portable path reads identically
# (plain UTF-8 CSV, 18 upper-case letters or digits, ``YYYY-MM``, digits with at most two
# decimals); any other file — one with errors to report, an XLSX, a GB18030 text, a comma in
# an amount — takes the portable path, so the row-by-row error report and every outcome and
# reason stay exactly what they were.

_SCREEN_CODE = re.compile(r"[0-9A-Z]{18}")
_SCREEN_MONTH = re.compile(r"[1-9][0-9]{3}-(0[1-9]|1[0-2])")
_SCREEN_AMOUNT = re.compile(r"[0-9]{1,15}(\.[0-9]{1,2})?")
_STAGE_CHUNK = 65536
_STAGING = "pg_temp.collection_staging"
_RESOLVED = "pg_temp.collection_resolved"


def collection_file_stage(*, file_name: str, content: bytes, aliases: dict[str, str]) -> int | None:
    """Stream a collection file into the temporary table ``collection_staging`` (row number,
    payer code, month, amount) with ``COPY``; returns the rows staged.

    Returns None — nothing staged, take the portable path — unless the connection is
    PostgreSQL and every data row passes the strict screen (section comment): a staged file
    has no errors to report by construction. Reads the file once, keeping one chunk of
    ``COPY`` text in memory, never a row list.
    """
    if connection.vendor != "postgresql" or not file_name.lower().endswith(".csv"):
        return None
    # Decoded while read, so no second copy of the file is held (a text that is not UTF-8
    # raises below and goes to the portable path, which also tries GB18030).
    stream = io.TextIOWrapper(io.BytesIO(content), encoding="utf-8-sig", newline="")
    try:
        return _stage(csv.reader(stream), aliases)
    except UnicodeDecodeError:
        return None


def _stage(records, aliases: dict[str, str]) -> int | None:
    header_cells = next(records, None)
    if header_cells is None:
        return None
    header = [aliases.get(cell.strip().lower(), cell.strip().lower()) for cell in header_cells]
    # read_table builds {column: text} per row, so the last of repeated headers wins.
    columns = {name: index for index, name in enumerate(header)}
    if not {"payer_code", "month", "amount"} <= columns.keys():
        return None
    code_at, month_at, amount_at = columns["payer_code"], columns["month"], columns["amount"]
    width = max(code_at, month_at, amount_at) + 1
    staged = 0
    buffer = io.StringIO()
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {_STAGING}")
        cursor.execute(
            "CREATE TEMP TABLE collection_staging (row_number integer PRIMARY KEY,"
            " payer_code varchar(18) NOT NULL, month date NOT NULL,"
            " amount numeric(18, 2) NOT NULL) ON COMMIT DROP"
        )
        for number, cells in enumerate(records, start=2):
            if len(cells) < width:
                if any(cell.strip() for cell in cells):
                    return None  # a missing cell: the portable path reports it
                continue  # an empty row, skipped like read_table does
            code = cells[code_at].strip().upper()
            month = cells[month_at].strip()[:7]
            amount = cells[amount_at].strip()
            if not (
                _SCREEN_CODE.fullmatch(code)
                and _SCREEN_MONTH.fullmatch(month)
                and _SCREEN_AMOUNT.fullmatch(amount)
            ):
                if any(cell.strip() for cell in cells):
                    return None
                continue
            buffer.write(f"{number}\t{code}\t{month}-01\t{amount}\n")
            staged += 1
            if staged % _STAGE_CHUNK == 0:
                _copy_staging(cursor, buffer)
                buffer = io.StringIO()
        _copy_staging(cursor, buffer)
        cursor.execute(f"ANALYZE {_STAGING}")
    return staged


def _copy_staging(cursor, buffer: io.StringIO) -> None:
    if buffer.tell():
        buffer.seek(0)
        cursor.copy_expert(f"COPY {_STAGING} FROM STDIN", buffer)


def collection_staged_parsed() -> list[ParsedCollectionRow]:
    """The staged rows as the portable path's parsed rows (for ``collection_match``)."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT row_number, payer_code, month, amount FROM {_STAGING} ORDER BY 1")
        return [ParsedCollectionRow(*row) for row in cursor.fetchall()]


# One line per staged row: who the payer is and what it owes, per the rules of
# collection_match. Only the first row of a payer and month counts; a person's code wins over
# an employer's; "paid" means allocated by an earlier batch.
_RESOLVE_SQL = f"""
CREATE TEMP TABLE collection_resolved ON COMMIT DROP AS
WITH staged AS (
    SELECT s.*, row_number() OVER (PARTITION BY payer_code, month ORDER BY row_number) > 1
               AS duplicate
    FROM {_STAGING} s
), payers AS (
    SELECT staged.*, p.id AS person_id,
           CASE WHEN p.id IS NULL THEN r.id END AS employer_id,
           CASE WHEN p.id IS NULL THEN r.county_id END AS employer_county_id
    FROM staged
    LEFT JOIN enrollment_insuredperson p
           ON NOT staged.duplicate AND p.id_number = staged.payer_code
          AND p.municipality_id = %(municipality)s
    LEFT JOIN enrollment_employer r
           ON NOT staged.duplicate AND r.credit_code = staged.payer_code
          AND r.municipality_id = %(municipality)s
), due AS (
    SELECT a.id, a.person_id, a.employer_id, a.month, a.county_id, a.total_due,
           NOT EXISTS (SELECT 1 FROM enrollment_collectionallocation c
                       WHERE c.assessment_id = a.id) AS unpaid
    FROM enrollment_assessment a
    WHERE a.municipality_id = %(municipality)s
      AND a.month IN (SELECT DISTINCT month FROM {_STAGING})
), by_employer AS (
    SELECT employer_id, month, count(*) AS assessed,
           count(*) FILTER (WHERE unpaid) AS unpaid,
           coalesce(sum(total_due) FILTER (WHERE unpaid), 0) AS due
    FROM due WHERE employer_id IS NOT NULL
    GROUP BY employer_id, month
)
SELECT payers.row_number, payers.payer_code, payers.month, payers.amount, payers.duplicate,
       payers.person_id, payers.employer_id,
       CASE WHEN payers.person_id IS NOT NULL THEN own.county_id
            ELSE payers.employer_county_id END AS county_id,
       CASE WHEN payers.person_id IS NOT NULL THEN (own.id IS NOT NULL)::int
            ELSE coalesce(by_employer.assessed, 0) END AS assessed,
       CASE WHEN payers.person_id IS NOT NULL THEN coalesce(own.unpaid, false)::int
            ELSE coalesce(by_employer.unpaid, 0) END AS unpaid,
       CASE WHEN payers.person_id IS NOT NULL
            THEN CASE WHEN own.unpaid THEN own.total_due ELSE 0 END
            ELSE coalesce(by_employer.due, 0) END::numeric(18, 2) AS due,
       own.employer_id AS own_employer_id
FROM payers
LEFT JOIN due own ON own.person_id = payers.person_id AND own.month = payers.month
LEFT JOIN by_employer ON by_employer.employer_id = payers.employer_id
                     AND by_employer.month = payers.month
"""

# A person's row and an employer's row paying the same assessment: the outcome depends on
# which comes first, so such a file keeps the portable, row-ordered path.
_ENTANGLED_SQL = f"""
SELECT EXISTS (
    SELECT 1 FROM {_RESOLVED} person_row
    JOIN {_RESOLVED} employer_row
      ON employer_row.employer_id = person_row.own_employer_id
     AND employer_row.month = person_row.month
    WHERE person_row.person_id IS NOT NULL AND person_row.unpaid > 0
)
"""

_OUTCOME_SQL = """
CASE WHEN duplicate THEN 'duplicate'
     WHEN person_id IS NULL AND employer_id IS NULL THEN 'unmatched'
     WHEN assessed = 0 THEN 'unmatched'
     WHEN unpaid = 0 THEN 'overpaid'
     WHEN amount < due THEN 'underpaid'
     WHEN amount > due THEN 'overpaid'
     ELSE 'matched' END
"""

# A row allocates when it is its payer's first of the month, something of the month is still
# unpaid, and it pays at least all of that.
_ALLOCATES_SQL = "({p}unpaid > 0 AND {p}amount >= {p}due)"

_ROWS_SQL = f"""
WITH inserted AS (
INSERT INTO enrollment_collectionrow
    (batch_id, row_number, payer_code, month, amount, outcome, reason, county_id,
     employer_id, person_id, allocated_amount, unallocated_amount)
SELECT %(batch)s, row_number, payer_code, month, amount, {_OUTCOME_SQL},
       left(CASE WHEN duplicate THEN %(duplicate)s
            WHEN person_id IS NULL AND employer_id IS NULL THEN %(unknown)s
            WHEN assessed = 0 THEN %(nothing_assessed)s
            WHEN unpaid = 0 THEN %(already_paid)s
            WHEN amount < due THEN replace(replace(%(underpaid)s, %(paid_mark)s, amount::text),
                                           %(due_mark)s, due::text)
            WHEN amount > due THEN replace(replace(%(overpaid)s, %(excess_mark)s,
                                                   (amount - due)::text), %(due_mark)s, due::text)
            ELSE '' END, 300),
       county_id, employer_id, person_id,
       CASE WHEN {_ALLOCATES_SQL.format(p="")} THEN due ELSE 0 END,
       amount - CASE WHEN {_ALLOCATES_SQL.format(p="")} THEN due ELSE 0 END
FROM {_RESOLVED}
ORDER BY row_number
RETURNING id, row_number
)
UPDATE {_RESOLVED} resolved SET row_id = inserted.id
FROM inserted WHERE resolved.row_number = inserted.row_number
"""

# Allocations in the portable path's order: by row, then the assessments' default ordering
# (county, person) within an employer's row.
_ALLOCATIONS_SQL = f"""
INSERT INTO enrollment_collectionallocation
    (row_id, batch_id, assessment_id, county_id, person_id, month, pooled_fund, maternity,
     personal_account, critical_illness, amount)
SELECT a.row_id, %(batch)s, a.id, a.county_id, a.person_id, a.month,
       a.employer_pooled_fund + a.individual_pooled_fund, a.employer_maternity,
       a.individual_personal_account,
       a.employer_critical_illness + a.individual_critical_illness, a.total_due
FROM (
    SELECT resolved.row_number, resolved.row_id, a.*
    FROM {_RESOLVED} resolved
    JOIN enrollment_assessment a
      ON a.person_id = resolved.person_id AND a.month = resolved.month
     AND a.municipality_id = %(municipality)s
    WHERE resolved.person_id IS NOT NULL AND {_ALLOCATES_SQL.format(p="resolved.")}
    UNION ALL
    SELECT resolved.row_number, resolved.row_id, a.*
    FROM {_RESOLVED} resolved
    JOIN enrollment_assessment a
      ON a.employer_id = resolved.employer_id AND a.month = resolved.month
     AND a.municipality_id = %(municipality)s
    WHERE resolved.employer_id IS NOT NULL
      AND {_ALLOCATES_SQL.format(p="resolved.")}
) a
WHERE NOT EXISTS (SELECT 1 FROM enrollment_collectionallocation c WHERE c.assessment_id = a.id)
ORDER BY a.row_number, a.county_id, a.person_id
"""


def collection_staged_match(*, municipality: Municipality, batch: CollectionBatch) -> bool:
    """Match the staged rows (``collection_file_stage``) to unpaid assessments set-based and
    write the batch's rows, allocations and totals; the same outcomes, reasons, amounts and
    order as ``collection_match`` followed by the bulk inserts of ``collection_file_import``.

    Returns False, having written nothing, for a file in which a person's row and their
    employer's row pay the same assessment (the outcome depends on row order there); the
    caller then matches ``collection_staged_parsed()`` with ``collection_match``.
    """
    values = {"municipality": municipality.pk, "batch": batch.pk}
    bulk_work_mem()
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {_RESOLVED}")
        cursor.execute(_RESOLVE_SQL, values)
        cursor.execute(f"ALTER TABLE {_RESOLVED} ADD COLUMN row_id bigint")
        cursor.execute(f"CREATE UNIQUE INDEX ON {_RESOLVED} (row_number)")
        cursor.execute(f"ANALYZE {_RESOLVED}")
        cursor.execute(_ENTANGLED_SQL)
        if cursor.fetchone()[0]:
            return False
        marks = {"paid": "\x1fpaid\x1f", "due": "\x1fdue\x1f", "excess": "\x1fexcess\x1f"}
        cursor.execute(
            _ROWS_SQL,
            {
                **values,
                "duplicate": _("The same payer and month appear earlier in this file."),
                "unknown": _("No insured person or employer has this code."),
                "nothing_assessed": _("Nothing is assessed for this payer and month."),
                "already_paid": _("This month is already paid."),
                "underpaid": _("Paid %(paid)s of %(due)s owed; nothing allocated.")
                % {"paid": marks["paid"], "due": marks["due"]},
                "overpaid": _("Paid %(excess)s more than the %(due)s owed.")
                % {"excess": marks["excess"], "due": marks["due"]},
                "paid_mark": marks["paid"],
                "due_mark": marks["due"],
                "excess_mark": marks["excess"],
            },
        )
        cursor.execute(_ALLOCATIONS_SQL, values)
        cursor.execute(
            """
            UPDATE enrollment_collectionbatch b
            SET row_count = t.rows, total_amount = t.total, allocated_amount = t.allocated,
                unallocated_amount = t.total - t.allocated
            FROM (SELECT count(*) AS rows, coalesce(sum(amount), 0) AS total,
                         coalesce(sum(allocated_amount), 0) AS allocated
                  FROM enrollment_collectionrow WHERE batch_id = %(batch)s) t
            WHERE b.id = %(batch)s
            """,
            values,
        )
        cursor.execute(f"DROP TABLE {_RESOLVED}")
        cursor.execute(f"DROP TABLE {_STAGING}")
    batch.refresh_from_db()
    return True


def _report(row: CollectionRow, outcome: str, reason: str) -> None:
    row.outcome = outcome
    row.reason = reason[:300]
    row.allocated_amount = ZERO
    row.unallocated_amount = row.amount


# Top-ups (N 三(二)3–4) --------------------------------------------------------------------------


class TopUpCase:
    RETIRING_SHORT = "retiring_short"
    NEVER_ENROLLED_RETIREE = "never_enrolled_retiree"
    FLEXIBLE_RETIREE = "flexible_retiree"
    BANKRUPT_RETIREE = "bankrupt_retiree"

    CHOICES = [
        (RETIRING_SHORT, gettext_lazy("retiring with fewer than the minimum years (N 三(二)3)")),
        (NEVER_ENROLLED_RETIREE, gettext_lazy("enterprise retiree never enrolled (N 三(二)3)")),
        (FLEXIBLE_RETIREE, gettext_lazy("flexible-worker retiree never enrolled (N 三(二)3)")),
        (BANKRUPT_RETIREE, gettext_lazy("retiree of a bankrupt employer (N 三(二)4)")),
    ]


@dataclass(frozen=True)
class TopUpQuote:
    case: str
    payer: str
    base: Decimal
    rate: Decimal
    months: int
    amount: Decimal
    formula: str
    critical_illness_years: int = 0
    critical_illness_amount: Decimal = ZERO
    critical_illness_formula: str = ""
    individual_critical_illness_yearly: Decimal = ZERO
    total: Decimal = ZERO
    benefits_from: datetime.date | None = None


def _whole_years(birth_date: datetime.date, day: datetime.date) -> int:
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def top_up_quote(
    *,
    municipality: Municipality,
    case: str,
    on: datetime.date,
    months_paid: int = 0,
    last_base: Decimal | None = None,
    last_pension: Decimal | None = None,
    birth_date: datetime.date | None = None,
    bankruptcy_date: datetime.date | None = None,
) -> TopUpQuote:
    """The one-off top-up of N 三(二)3–4 with its formula, using the rules in force on ``on``.

    - retiring_short: the employer (a flexible worker: the person) pays the missing months
      to ``minimum_contribution_years`` at ``top_up_rate`` on the last contribution base;
    - never_enrolled_retiree: the employer pays ten years at ``top_up_rate`` on last month's
      pension, floored at the year's minimum base (floor share × average wage / 12);
    - flexible_retiree: the person pays ten years at ``top_up_rate`` on the provincial
      average wage / 12;
    - bankrupt_retiree: as the pension case for the missing months (all ten years when never
      enrolled), plus the employer's critical-illness part for (life expectancy − age at
      bankruptcy) years at once; the individual part is deducted yearly from the account.
    Benefits start the month after payment. Top-ups never go to the personal account.
    """

    def rule(key: str) -> Decimal:
        return rule_value(municipality=municipality, key=key, on=on)

    errors: dict[str, str] = {}
    rate = rule("top_up_rate")
    required_months = int(rule("minimum_contribution_years")) * MONTHS_PER_YEAR
    minimum_base = round_money(
        rule("provincial_average_wage") / MONTHS_PER_YEAR * rule("base_floor_share")
    )
    if months_paid < 0:
        errors["months_paid"] = _("Months paid cannot be negative.")
    missing = max(required_months - months_paid, 0)
    base_text = ""
    payer = _("employer")
    if case == TopUpCase.RETIRING_SHORT:
        if last_base is None or last_base <= 0:
            errors["last_base"] = _("Enter the last monthly contribution base.")
        base = last_base or ZERO
        base_text = _("last contribution base %(base)s") % {"base": base}
        payer = _("employer (a flexible worker pays himself)")
    elif case in (TopUpCase.NEVER_ENROLLED_RETIREE, TopUpCase.BANKRUPT_RETIREE):
        if last_pension is None or last_pension <= 0:
            errors["last_pension"] = _("Enter last month's pension.")
        pension = last_pension or ZERO
        base = max(pension, minimum_base)
        base_text = _(
            "max(last month's pension %(pension)s, minimum base %(minimum)s) = %(base)s"
        ) % {
            "pension": pension,
            "minimum": minimum_base,
            "base": base,
        }
        if case == TopUpCase.NEVER_ENROLLED_RETIREE:
            missing = required_months
    elif case == TopUpCase.FLEXIBLE_RETIREE:
        base = round_money(rule("provincial_average_wage") / MONTHS_PER_YEAR)
        base_text = _("provincial average wage / 12 = %(base)s") % {"base": base}
        missing = required_months
        payer = _("the person")
    else:
        raise ValidationError({"case": _("Unknown top-up case.")})
    ci_years, ci_amount, ci_formula, ci_yearly = 0, ZERO, "", ZERO
    if case == TopUpCase.BANKRUPT_RETIREE:
        if birth_date is None:
            errors["birth_date"] = _("Enter the birth date.")
        if bankruptcy_date is None:
            errors["bankruptcy_date"] = _("Enter the bankruptcy date.")
        if birth_date and bankruptcy_date:
            age = _whole_years(birth_date, bankruptcy_date)
            ci_years = max(int(rule("provincial_life_expectancy")) - age, 0)
            employer_part = rule("critical_illness_employer_part")
            ci_amount = round_money(employer_part * MONTHS_PER_YEAR * ci_years)
            ci_formula = _(
                "%(part)s × 12 × (life expectancy %(expectancy)s − age at bankruptcy %(age)s = "
                "%(years)s years) = %(amount)s"
            ) % {
                "part": employer_part,
                "expectancy": int(rule("provincial_life_expectancy")),
                "age": age,
                "years": ci_years,
                "amount": ci_amount,
            }
            ci_yearly = round_money(
                (rule("critical_illness_premium") - employer_part) * MONTHS_PER_YEAR
            )
    if errors:
        raise ValidationError(errors)
    amount = round_money(base * rate * missing)
    formula = _("%(base_text)s × %(rate)s × %(months)s missing months = %(amount)s") % {
        "base_text": base_text,
        "rate": rate.normalize(),
        "months": missing,
        "amount": amount,
    }
    return TopUpQuote(
        case=case,
        payer=payer,
        base=base,
        rate=rate,
        months=missing,
        amount=amount,
        formula=formula,
        critical_illness_years=ci_years,
        critical_illness_amount=ci_amount,
        critical_illness_formula=ci_formula,
        individual_critical_illness_yearly=ci_yearly,
        total=amount + ci_amount,
        benefits_from=(on.replace(day=28) + datetime.timedelta(days=4)).replace(day=1),
    )
