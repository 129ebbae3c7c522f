"""Matching the rows of a collection file to unpaid assessments (DOMAIN §11), two ways with
the same outcome: row by row in Python (``collection_rows_parse``, ``collection_match``), and
at city scale on PostgreSQL by streaming a clean CSV into a staging table and matching it
set-based (``collection_file_stage``, ``collection_staged_match``). Nothing here writes an
audit event (``enrollment.collection_files.services`` does)."""

import csv
import datetime
import io
import re
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from enrollment.collection_files.models import CollectionAllocation, CollectionBatch, CollectionRow
from enrollment.contributions.models import Assessment
from enrollment.people.models import (
    Employer,
    InsuredPerson,
)
from pooling.core.db import bulk_work_mem
from pooling.core.imports import ImportReport, row_limit_refusal
from pooling.core.money import ZERO, parse_month
from pooling.structure.models import Municipality


class FileRejected(ValidationError):
    """A file with unreadable rows: nothing was imported; ``report`` lists every error."""

    def __init__(self, report: ImportReport):
        super().__init__({"file": [_("The file has errors; nothing was imported.")]})
        self.report = report


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
        amount = report.amount(number, "amount", row.get("amount", ""))
        if len(code) == 18 and month is not None and amount is not None:
            parsed.append(ParsedCollectionRow(number, code, month, amount))
    report.valid_rows = len(parsed)
    return parsed, report


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


@dataclass
class _Dues:
    """What the rows of a file may pay, looked up once for the whole file: the payers by
    code, the assessments of the file's months by person and by employer, and those paid
    (by earlier batches, then by earlier rows of this file)."""

    people: dict[str, int]
    employers: dict[str, tuple[int, int]]
    by_person: dict[tuple[int, datetime.date], dict]
    by_employer: dict[tuple[int, datetime.date], list[dict]]
    paid: set[int]


_DUE_FIELDS = [
    "pk",
    "county_id",
    "person_id",
    "employer_id",
    "month",
    "total_due",
    "employer_pooled_fund",
    "individual_pooled_fund",
    "employer_maternity",
    "individual_personal_account",
    "employer_critical_illness",
    "individual_critical_illness",
]


def _dues_for(*, municipality: Municipality, parsed: list[ParsedCollectionRow]) -> _Dues:
    """One query per kind (people, employers, assessments, allocations), none per row."""
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
    assessments = Assessment.objects.filter(municipality=municipality, month__in=months).filter(
        Q(person_id__in=people.values())
        | Q(employer_id__in=[pk for pk, _county in employers.values()])
    )
    paid = set(
        CollectionAllocation.objects.filter(assessment__in=assessments).values_list(
            "assessment_id", flat=True
        )
    )
    dues = _Dues(people, employers, by_person={}, by_employer={}, paid=paid)
    for assessment in assessments.values(*_DUE_FIELDS):
        dues.by_person[(assessment["person_id"], assessment["month"])] = assessment
        if assessment["employer_id"] is not None:
            dues.by_employer.setdefault(
                (assessment["employer_id"], assessment["month"]), []
            ).append(assessment)
    return dues


def collection_match(
    *, municipality: Municipality, batch: CollectionBatch, parsed: list[ParsedCollectionRow]
) -> tuple[list[CollectionRow], list[CollectionAllocation]]:
    """Match parsed rows to unpaid assessments, in file order: a row repeating an earlier
    row's payer and month is a duplicate; the others are matched by ``_row_match``.

    An assessment is paid once, fully: it is allocated when a row covers its whole amount.
    """
    dues = _dues_for(municipality=municipality, parsed=parsed)
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
        allocations.extend(_row_match(row, dues, batch))
    return rows, allocations


def _row_match(
    row: CollectionRow, dues: _Dues, batch: CollectionBatch
) -> list[CollectionAllocation]:
    """Set ``row``'s payer, outcome and amounts; return the allocations it pays.

    The payer is a person (resident ID: their assessment of the month) or an employer
    (credit code: all its people's assessments of the month). Nothing assessed, or nothing
    known by the code: unmatched; all of it paid already: over-paid; less than the unpaid
    total: under-paid, nothing allocated; at least the unpaid total: allocated, any excess
    over-paid.
    """
    if row.payer_code in dues.people:
        row.person_id = dues.people[row.payer_code]
        found = dues.by_person.get((row.person_id, row.month))
        due_list = [found] if found is not None else []
        if found is not None:
            row.county_id = found["county_id"]
    elif row.payer_code in dues.employers:
        row.employer_id, row.county_id = dues.employers[row.payer_code]
        due_list = dues.by_employer.get((row.employer_id, row.month), [])
    else:
        _report(
            row, CollectionRow.Outcome.UNMATCHED, _("No insured person or employer has this code.")
        )
        return []
    if not due_list:
        _report(
            row,
            CollectionRow.Outcome.UNMATCHED,
            _("Nothing is assessed for this payer and month."),
        )
        return []
    unpaid = [assessment for assessment in due_list if assessment["pk"] not in dues.paid]
    due = sum((assessment["total_due"] for assessment in unpaid), ZERO)
    if not unpaid:
        _report(row, CollectionRow.Outcome.OVERPAID, _("This month is already paid."))
        return []
    if row.amount < due:
        _report(
            row,
            CollectionRow.Outcome.UNDERPAID,
            _("Paid %(paid)s of %(due)s owed; nothing allocated.")
            % {"paid": row.amount, "due": due},
        )
        return []
    dues.paid.update(assessment["pk"] for assessment in unpaid)
    row.allocated_amount = due
    row.unallocated_amount = row.amount - due
    if row.unallocated_amount:
        row.outcome = CollectionRow.Outcome.OVERPAID
        row.reason = _("Paid %(excess)s more than the %(due)s owed.") % {
            "excess": row.unallocated_amount,
            "due": due,
        }
    else:
        row.outcome = CollectionRow.Outcome.MATCHED
    return [_allocation_for(assessment, batch, row) for assessment in unpaid]


# Collections at city scale: COPY into a staging table, then set-based SQL ------------------------
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
    ``COPY`` text in memory, never a row list; a file over ``UPLOAD_MAX_ROWS`` rows is refused
    (``ValidationError`` on ``file``) as on the portable path.
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
        limit = settings.UPLOAD_MAX_ROWS
        for number, cells in enumerate(records, start=2):
            if number - 1 > limit:
                raise ValidationError({"file": row_limit_refusal()}, code="too_many_rows")
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


def collection_staged_total() -> Decimal:
    """The sum of the staged rows' amounts."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT coalesce(sum(amount), 0) FROM {_STAGING}")
        return cursor.fetchone()[0]


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
