"""Writes of enrollment and contributions. Each service owns its transaction and records an
audit event; views, the API, tasks and commands call these and nothing else."""

import datetime
import hashlib
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from enrollment import contributions
from enrollment.imports import ImportReport, UnreadableFile, parse_amount, read_table
from enrollment.models import (
    EMPLOYER_SCOPES,
    SCOPE_SCHEME,
    CollectionAllocation,
    CollectionBatch,
    CollectionRow,
    ContributionBase,
    Employer,
    EmployerPayroll,
    EnrollmentEpisode,
    InsuredPerson,
    PersonalAccountMovement,
    Scheme,
    Scope,
)
from enrollment.validators import resident_id_facts, validate_credit_code
from pooling.access import scope_queryset
from pooling.audit import audit_record, snapshot
from pooling.db import bulk_work_mem, insert_unique
from pooling.models import County, Municipality, User
from pooling.money import validate_month_start

BATCH_SIZE = 5000


def _require_county_in_scope(actor: User | None, county: County, field: str = "county") -> None:
    """A county officer writes only in their own county; others in their municipality."""
    if actor is None:
        return
    allowed = scope_queryset(
        County.objects.filter(pk=county.pk),
        actor,
        county_field="pk",
        municipality_field="municipality",
    )
    if not allowed.exists():
        raise ValidationError(
            {field: _("You may not register anything in %(county)s.") % {"county": county.name}}
        )


# Employers (issue item 2) -------------------------------------------------------------------


@transaction.atomic(durable=True)
def employer_create(
    *,
    county: County,
    credit_code: str,
    name: str,
    unit_type: str,
    actor: User | None,
    status: str = Employer.Status.ACTIVE,
    bankruptcy_date: datetime.date | None = None,
) -> Employer:
    """Register an employer (用人单位, N 三(一)) in ``county``."""
    _require_county_in_scope(actor, county)
    credit_code = credit_code.strip().upper()
    validate_credit_code(credit_code)
    taken = ValidationError({"credit_code": _("An employer with this code is already registered.")})
    if Employer.objects.filter(credit_code=credit_code).exists():
        raise taken
    employer = Employer(
        municipality=county.municipality,
        county=county,
        credit_code=credit_code,
        name=name,
        unit_type=unit_type,
        status=status,
        bankruptcy_date=bankruptcy_date,
    )
    _check_bankruptcy(employer)
    insert_unique(employer.save, taken=taken)
    audit_record(
        actor=actor,
        action="employer.create",
        instance=employer,
        municipality=county.municipality,
        county=county,
    )
    return employer


def _check_bankruptcy(employer: Employer) -> None:
    if employer.status == Employer.Status.BANKRUPT and employer.bankruptcy_date is None:
        raise ValidationError(
            {"bankruptcy_date": _("A bankrupt employer needs its bankruptcy date.")}
        )


@transaction.atomic(durable=True)
def employer_update(
    *,
    employer: Employer,
    actor: User | None,
    name: str,
    unit_type: str,
    status: str,
    bankruptcy_date: datetime.date | None = None,
) -> Employer:
    """Change an employer's name, unit type, status or bankruptcy date (N 三(二)4)."""
    employer = Employer.objects.select_for_update().get(pk=employer.pk)
    _require_county_in_scope(actor, employer.county)
    before = snapshot(employer)
    employer.name, employer.unit_type, employer.status = name, unit_type, status
    employer.bankruptcy_date = bankruptcy_date
    _check_bankruptcy(employer)
    employer.save(update_fields=["name", "unit_type", "status", "bankruptcy_date"])
    audit_record(
        actor=actor,
        action="employer.update",
        instance=employer,
        before=before,
        municipality=employer.municipality,
        county=employer.county,
    )
    return employer


# People and episodes (issue items 1, 3) -----------------------------------------------------


@transaction.atomic(durable=True)
def person_enroll(
    *,
    county: County,
    id_number: str,
    name: str,
    category: str,
    from_month: datetime.date,
    actor: User | None,
    employer: Employer | None = None,
    first_enrollment: bool = False,
) -> InsuredPerson:
    """Register a person and open their first enrollment episode (N 三(一)).

    Birth date and sex come from the resident ID (GB 11643). A retiree's status is
    ``retired``; employees of an employer need that employer, in the same municipality.
    """
    _require_county_in_scope(actor, county)
    id_number = id_number.strip().upper()
    try:
        facts = resident_id_facts(id_number)
    except ValidationError as error:
        raise ValidationError({"id_number": error.messages}) from error
    taken = ValidationError({"id_number": _("This person is already registered.")})
    if InsuredPerson.objects.filter(id_number=id_number).exists():
        raise taken
    _check_employer_for_scope(category, employer, county)
    person = InsuredPerson(
        municipality=county.municipality,
        county=county,
        id_number=id_number,
        name=name,
        birth_date=facts.birth_date,
        sex=facts.sex,
        category=category,
        employer=employer,
        status=InsuredPerson.Status.RETIRED
        if category == Scope.RETIREE
        else InsuredPerson.Status.ACTIVE,
    )
    insert_unique(person.save, taken=taken)
    audit_record(
        actor=actor,
        action="person.enroll",
        instance=person,
        municipality=county.municipality,
        county=county,
    )
    _episode_create(
        person=person,
        scope=category,
        county=county,
        employer=employer,
        from_month=from_month,
        to_month=None,
        first_enrollment=first_enrollment,
        actor=actor,
    )
    return person


def _check_employer_for_scope(scope: str, employer: Employer | None, county: County) -> None:
    if scope in EMPLOYER_SCOPES and employer is None:
        raise ValidationError(
            {"employer": _("An employee is enrolled through an employer; choose one.")}
        )
    if employer is not None and employer.municipality_id != county.municipality_id:
        raise ValidationError({"employer": _("The employer belongs to another municipality.")})
    if (
        scope == Scope.BUSINESS_EMPLOYEE
        and employer
        and employer.unit_type != Employer.UnitType.INDIVIDUAL_BUSINESS
    ):
        raise ValidationError(
            {"employer": _("This scope needs an individual business as employer.")}
        )


def _episode_create(
    *,
    person: InsuredPerson,
    scope: str,
    county: County,
    employer: Employer | None,
    from_month: datetime.date,
    to_month: datetime.date | None,
    first_enrollment: bool,
    actor: User | None,
) -> EnrollmentEpisode:
    errors = {}
    for field, value in (("from_month", from_month), ("to_month", to_month)):
        try:
            validate_month_start(value)
        except ValidationError as error:
            errors[field] = error.messages
    if to_month is not None and to_month < from_month:
        errors["to_month"] = _("The last month is before the first month.")
    if errors:
        raise ValidationError(errors)
    scheme = SCOPE_SCHEME[Scope(scope)]
    # Lock the person's episodes so two concurrent writes cannot both pass the overlap check.
    episodes = list(
        EnrollmentEpisode.objects.select_for_update()
        .filter(person=person, scheme=scheme)
        .order_by("pk")
    )
    for other in episodes:
        if (other.to_month is None or other.to_month >= from_month) and (
            to_month is None or other.from_month <= to_month
        ):
            raise ValidationError(
                {
                    "from_month": _(
                        "This period overlaps the %(scheme)s episode from %(start)s; "
                        "end that one first."
                    )
                    % {
                        "scheme": other.get_scheme_display(),
                        "start": other.from_month.isoformat()[:7],
                    }
                }
            )
    episode = EnrollmentEpisode.objects.create(
        person=person,
        scheme=scheme,
        scope=scope,
        county=county,
        employer=employer,
        from_month=from_month,
        to_month=to_month,
        first_enrollment=first_enrollment,
    )
    audit_record(
        actor=actor,
        action="episode.create",
        instance=episode,
        municipality=county.municipality,
        county=county,
    )
    return episode


@transaction.atomic(durable=True)
def episode_add(
    *,
    person: InsuredPerson,
    scope: str,
    county: County,
    from_month: datetime.date,
    actor: User | None,
    employer: Employer | None = None,
    to_month: datetime.date | None = None,
    first_enrollment: bool = False,
) -> EnrollmentEpisode:
    """Add an enrollment episode; episodes of one scheme never overlap (N 三(一))."""
    _require_county_in_scope(actor, person.county, field="person")
    _require_county_in_scope(actor, county)
    _check_employer_for_scope(scope, employer, county)
    return _episode_create(
        person=person,
        scope=scope,
        county=county,
        employer=employer,
        from_month=from_month,
        to_month=to_month,
        first_enrollment=first_enrollment,
        actor=actor,
    )


@transaction.atomic(durable=True)
def episode_end(
    *, episode: EnrollmentEpisode, to_month: datetime.date, actor: User | None
) -> EnrollmentEpisode:
    """Close an open episode with its last month (leaving, retiring, moving, death)."""
    episode = EnrollmentEpisode.objects.select_for_update().get(pk=episode.pk)
    _require_county_in_scope(actor, episode.county)
    validate_month_start(to_month)
    if to_month < episode.from_month:
        raise ValidationError({"to_month": _("The last month is before the first month.")})
    before = snapshot(episode)
    episode.to_month = to_month
    episode.save(update_fields=["to_month"])
    audit_record(
        actor=actor,
        action="episode.end",
        instance=episode,
        before=before,
        municipality=episode.county.municipality,
        county=episode.county,
    )
    return episode


@transaction.atomic(durable=True)
def person_set_status(*, person: InsuredPerson, status: str, actor: User | None) -> InsuredPerson:
    """Change a person's status (active, retired, suspended, left, deceased)."""
    person = InsuredPerson.objects.select_for_update().get(pk=person.pk)
    _require_county_in_scope(actor, person.county)
    before = snapshot(person)
    person.status = status
    person.save(update_fields=["status"])
    audit_record(
        actor=actor,
        action="person.status",
        instance=person,
        before=before,
        municipality=person.municipality,
        county=person.county,
    )
    return person


# Contribution bases (issue item 5) ----------------------------------------------------------


def _wage_year(year) -> int | None:
    try:
        number = int(str(year))
    except (TypeError, ValueError):
        return None
    return number if 2000 <= number <= 2100 else None


@transaction.atomic(durable=True)
def contribution_base_set(
    *, person: InsuredPerson, year: int, yearly_wage: Decimal, actor: User | None
) -> ContributionBase:
    """Declare a person's last-year wage as the base for contribution ``year`` (N 三(二)1).
    Floor and cap are applied when a month is assessed, with the rules of that month."""
    _require_county_in_scope(actor, person.county, field="person")
    if yearly_wage < 0:
        raise ValidationError({"yearly_wage": _("A wage cannot be negative.")})
    existing = ContributionBase.objects.select_for_update().filter(person=person, year=year).first()
    before = snapshot(existing)
    base, _created = ContributionBase.objects.update_or_create(
        person=person, year=year, defaults={"yearly_wage": yearly_wage}
    )
    audit_record(
        actor=actor,
        action="base.set",
        instance=base,
        before=before,
        municipality=person.municipality,
        county=person.county,
    )
    return base


@transaction.atomic(durable=True)
def employer_payroll_set(
    *, employer: Employer, year: int, total_payroll: Decimal, actor: User | None
) -> EmployerPayroll:
    """Declare an employer's last-year total payroll for contribution ``year`` (N 三(二)1)."""
    _require_county_in_scope(actor, employer.county, field="employer")
    if total_payroll < 0:
        raise ValidationError({"total_payroll": _("A payroll cannot be negative.")})
    existing = (
        EmployerPayroll.objects.select_for_update().filter(employer=employer, year=year).first()
    )
    before = snapshot(existing)
    payroll, _created = EmployerPayroll.objects.update_or_create(
        employer=employer, year=year, defaults={"total_payroll": total_payroll}
    )
    audit_record(
        actor=actor,
        action="payroll.set",
        instance=payroll,
        before=before,
        municipality=employer.municipality,
        county=employer.county,
    )
    return payroll


WAGE_COLUMNS = {
    "统一社会信用代码": "credit_code",
    "身份证号": "id_number",
    "公民身份号码": "id_number",
    "年度": "year",
    "缴费年度": "year",
    "上年度工资": "wage",
    "工资": "wage",
    "上年度工资总额": "payroll",
    "工资总额": "payroll",
}


class BaseFileKind:
    WAGES = "wages"
    PAYROLL = "payroll"


@transaction.atomic(durable=True)
def contribution_base_import(
    *,
    municipality: Municipality,
    kind: str,
    file_name: str,
    content: bytes,
    actor: User,
    import_valid_rows: bool = False,
) -> ImportReport:
    """Import employees' wages (columns credit_code, id_number, year, wage) or employers'
    payrolls (credit_code, year, payroll) from CSV or XLSX (N 三(二)1).

    Every row is checked first. With any error nothing is written, unless
    ``import_valid_rows`` is set: then the valid rows are written and the report still lists
    the invalid ones. Existing values of the same person (employer) and year are replaced.
    """
    report = ImportReport()
    try:
        rows = read_table(file_name=file_name, content=content, aliases=WAGE_COLUMNS)
    except UnreadableFile as error:
        raise ValidationError({"file": str(error)}) from error
    required = ["credit_code", "year", "wage" if kind == BaseFileKind.WAGES else "payroll"]
    if kind == BaseFileKind.WAGES:
        required.insert(1, "id_number")
    if rows and (missing := [column for column in required if column not in rows[0][1]]):
        raise ValidationError(
            {"file": _("Missing columns: %(columns)s.") % {"columns": ", ".join(missing)}}
        )
    employers = {
        employer.credit_code: employer
        for employer in scope_queryset(
            Employer.objects.filter(
                municipality=municipality,
                credit_code__in={row["credit_code"].upper() for _n, row in rows},
            ),
            actor,
        )
    }
    people = {}
    if kind == BaseFileKind.WAGES:
        people = {
            person.id_number: person
            for person in scope_queryset(
                InsuredPerson.objects.filter(
                    municipality=municipality,
                    id_number__in={row["id_number"].upper() for _n, row in rows},
                ),
                actor,
            )
        }
    valid: dict[tuple, tuple[object, int, Decimal]] = {}
    amount_column = required[-1]
    for number, row in rows:
        code = row["credit_code"].upper()
        errors_before = len(report.errors)
        try:
            validate_credit_code(code)
        except ValidationError as error:
            report.add(number, "credit_code", code, error)
        else:
            if code not in employers:
                report.add(
                    number,
                    "credit_code",
                    code,
                    gettext_lazy("No employer with this code in your area."),
                )
        target = employers.get(code)
        if kind == BaseFileKind.WAGES:
            id_number = row["id_number"].upper()
            try:
                resident_id_facts(id_number)
            except ValidationError as error:
                report.add(number, "id_number", id_number, error)
                target = None
            else:
                person = people.get(id_number)
                if person is None:
                    report.add(
                        number,
                        "id_number",
                        id_number,
                        gettext_lazy("No insured person with this ID in your area."),
                    )
                elif target is not None and person.employer_id != target.pk:
                    report.add(
                        number,
                        "id_number",
                        id_number,
                        gettext_lazy("This person is not an employee of that employer."),
                    )
                target = person
        year = _wage_year(row["year"])
        if year is None:
            report.add(
                number,
                "year",
                row["year"],
                gettext_lazy("The year must be a number between 2000 and 2100."),
            )
        amount = parse_amount(row[amount_column])
        if amount is None:
            report.add(
                number,
                amount_column,
                row[amount_column],
                gettext_lazy("Not an amount in yuan with at most two decimals, zero or more."),
            )
        if len(report.errors) > errors_before or target is None:
            continue
        key = (target.pk, year)
        if key in valid:
            report.add(
                number,
                amount_column,
                row[amount_column],
                gettext_lazy("The same year is declared twice in this file."),
            )
            continue
        valid[key] = (target, year, amount)
    report.valid_rows = len(valid)
    if report.has_errors and not import_valid_rows:
        return report
    if kind == BaseFileKind.WAGES:
        objects = [
            ContributionBase(person=target, year=year, yearly_wage=amount)
            for target, year, amount in valid.values()
        ]
        ContributionBase.objects.bulk_create(
            objects,
            batch_size=BATCH_SIZE,
            update_conflicts=True,
            unique_fields=["person", "year"],
            update_fields=["yearly_wage", "declared_at"],
        )
    else:
        objects = [
            EmployerPayroll(employer=target, year=year, total_payroll=amount)
            for target, year, amount in valid.values()
        ]
        EmployerPayroll.objects.bulk_create(
            objects,
            batch_size=BATCH_SIZE,
            update_conflicts=True,
            unique_fields=["employer", "year"],
            update_fields=["total_payroll", "declared_at"],
        )
    report.imported = len(objects)
    audit_record(
        actor=actor,
        action=f"base.import_{kind}",
        instance=municipality,
        before=None,
        after={"file": file_name, "imported": report.imported, "errors": len(report.errors)},
        municipality=municipality,
        county=actor.county if actor.county_id else None,
    )
    return report


# Monthly assessment (issue item 6) ----------------------------------------------------------


@dataclass(frozen=True)
class AssessmentRunResult:
    month: datetime.date
    created: int
    missing_base: int


def assessment_run(
    *, municipality: Municipality, month: datetime.date, actor: User | None
) -> AssessmentRunResult:
    """Assess ``month`` for every person insured in the employee scheme (N 三(二)1–2).

    One set-based ``INSERT … SELECT … ON CONFLICT DO NOTHING`` for all counties, each with its
    own rules in force for the month: a rerun adds nothing, a person enrolled later is assessed
    on the next run. Employees without a declared base for the year are skipped and counted.
    """
    validate_month_start(month)
    with transaction.atomic(durable=True):
        # One statement for all counties, each with its own rules in force (issue 9).
        created = contributions.assessment_insert_counties(
            municipality=municipality,
            month=month,
            parameters={
                county: contributions.assessment_parameters(
                    municipality=municipality, county=county, month=month
                )
                for county in County.objects.filter(municipality=municipality).order_by("pk")
            },
        )
        missing_base = (
            EnrollmentEpisode.objects.filter(
                county__municipality=municipality,
                scheme=Scheme.EMPLOYEE,
                scope__in=EMPLOYER_SCOPES,
                from_month__lte=month,
            )
            .filter(Q(to_month__isnull=True) | Q(to_month__gte=month))
            .exclude(person__bases__year=month.year)
            .count()
        )
        if created:
            # A rerun that assesses nobody new changes nothing, so it records nothing.
            audit_record(
                actor=actor,
                action="assessment.run",
                instance=municipality,
                after={
                    "month": month.isoformat(),
                    "created": created,
                    "missing_base": missing_base,
                },
                municipality=municipality,
            )
    return AssessmentRunResult(month=month, created=created, missing_base=missing_base)


# Collections (issue item 7) -----------------------------------------------------------------

COLLECTION_COLUMNS = {
    "缴费人编码": "payer_code",
    "缴费人识别号": "payer_code",
    "统一社会信用代码/身份证号": "payer_code",
    "费款所属期": "month",
    "所属期": "month",
    "实缴金额": "amount",
    "金额": "amount",
}


@dataclass(frozen=True)
class CollectionImportResult:
    batch: CollectionBatch
    created: bool


def collection_file_import(
    *, municipality: Municipality, file_name: str, content: bytes, actor: User
) -> CollectionImportResult:
    """Import the tax bureau's collection file (columns payer_code, month, amount) and match
    every row to assessments (N 三(二), DOMAIN §11).

    Steps: 1. the same file (by SHA-256) imported again returns the existing batch;
    2. a row that cannot be read refuses the whole file with a row-by-row report;
    3. each row pays a person's assessment of the month (payer is a resident ID) or all
    unpaid assessments of an employer's people for the month (payer is a credit code);
    4. a row paying exactly what is due is allocated by fund; one paying more is allocated
    and the excess reported as over-paid; one paying less, or matching nothing, is reported
    and kept unallocated. The batch ends ``ready`` for the funds app to post.
    """
    digest = hashlib.sha256(content).hexdigest()
    with transaction.atomic(durable=True):
        existing = CollectionBatch.objects.filter(
            municipality=municipality, file_sha256=digest
        ).first()
        if existing is not None:
            return CollectionImportResult(batch=existing, created=False)
        # City scale (issue 9): on PostgreSQL a clean CSV is COPYed and matched set-based;
        # anything else (errors to report, XLSX, …) takes the row-by-row path below.
        staged = contributions.collection_file_stage(
            file_name=file_name, content=content, aliases=COLLECTION_COLUMNS
        )
        if staged is None:
            try:
                table = read_table(file_name=file_name, content=content, aliases=COLLECTION_COLUMNS)
            except UnreadableFile as error:
                raise ValidationError({"file": str(error)}) from error
            parsed, report = contributions.collection_rows_parse(table)
            if report.has_errors:
                raise contributions.FileRejected(report)
        batch = CollectionBatch.objects.create(
            municipality=municipality,
            file_name=file_name[:200],
            file_sha256=digest,
            imported_by=actor,
        )
        if staged is None or not contributions.collection_staged_match(
            municipality=municipality, batch=batch
        ):
            if staged is not None:
                parsed = contributions.collection_staged_parsed()
            rows, allocations = contributions.collection_match(
                municipality=municipality, batch=batch, parsed=parsed
            )
            CollectionRow.objects.bulk_create(rows, batch_size=BATCH_SIZE)
            for allocation in allocations:
                allocation.row_id = allocation.row.pk
            CollectionAllocation.objects.bulk_create(allocations, batch_size=BATCH_SIZE)
            batch.row_count = len(rows)
            batch.total_amount = sum((row.amount for row in rows), Decimal("0.00"))
            batch.allocated_amount = sum((row.allocated_amount for row in rows), Decimal("0.00"))
            batch.unallocated_amount = batch.total_amount - batch.allocated_amount
            batch.save(
                update_fields=[
                    "row_count", "total_amount", "allocated_amount", "unallocated_amount"
                ]
            )  # fmt: skip
        audit_record(
            actor=actor, action="collection.import", instance=batch, municipality=municipality
        )
    return CollectionImportResult(batch=batch, created=True)


def collection_batch_mark_posted(*, batch: CollectionBatch, actor: User | None) -> int:
    """Mark a ready batch posted and credit the personal-account subledger with each
    allocation's personal-account part (DOMAIN §11). Returns the movements added.

    Called by the funds app *inside its own posting transaction*, after it has posted the
    ledger entries of ``collection_batch_postings``, so ledger and subledger commit together.
    A second call for the same batch is refused; the subledger insert is idempotent anyway.
    """
    with transaction.atomic():
        batch = CollectionBatch.objects.select_for_update().get(pk=batch.pk)
        if batch.status != CollectionBatch.Status.READY:
            raise ValidationError(
                _("This collection batch has already been posted."), code="already_posted"
            )
        before = snapshot(batch)
        bulk_work_mem()
        with connection.cursor() as cursor:
            cursor.execute(
                """
                INSERT INTO enrollment_personalaccountmovement
                    (person_id, county_id, month, amount, reason, collection_batch_id,
                     assessment_id, created_at)
                SELECT person_id, county_id, month, personal_account, %s, batch_id,
                       assessment_id, %s
                FROM enrollment_collectionallocation
                WHERE batch_id = %s AND personal_account > 0
                ON CONFLICT DO NOTHING
                """,
                [PersonalAccountMovement.Reason.CONTRIBUTION, timezone.now(), batch.pk],
            )
            added = cursor.rowcount
        batch.status = CollectionBatch.Status.POSTED
        batch.posted_at = timezone.now()
        batch.posted_by = actor if actor is not None and actor.pk else None
        batch.save(update_fields=["status", "posted_at", "posted_by"])
        audit_record(
            actor=actor,
            action="collection.post",
            instance=batch,
            before=before,
            municipality=batch.municipality,
        )
    return added


def personal_account_credit_retirees(
    *, municipality: Municipality, month: datetime.date, actor: User | None
) -> int:
    """Credit every retiree's monthly personal-account amount assessed for ``month`` from the
    pooled fund to the subledger (DOMAIN §11). Idempotent: one movement per assessment.

    Called by the funds app inside the transaction that moves the same total per county
    (``retiree_credits_by_county``) from the pooled fund to the personal-account control.
    """
    validate_month_start(month)
    with transaction.atomic():
        bulk_work_mem()
        with connection.cursor() as cursor:
            cursor.execute(
                """
                INSERT INTO enrollment_personalaccountmovement
                    (person_id, county_id, month, amount, reason, assessment_id, created_at)
                SELECT person_id, county_id, month, retiree_account_credit, %s, id, %s
                FROM enrollment_assessment
                WHERE municipality_id = %s AND month = %s AND retiree_account_credit > 0
                ON CONFLICT DO NOTHING
                """,
                [
                    PersonalAccountMovement.Reason.RETIREE_CREDIT,
                    timezone.now(),
                    municipality.pk,
                    month,
                ],
            )
            added = cursor.rowcount
        audit_record(
            actor=actor,
            action="personal_account.credit_retirees",
            instance=municipality,
            after={"month": month.isoformat(), "added": added},
            municipality=municipality,
        )
    return added
