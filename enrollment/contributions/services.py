"""Writes of enrollment and contributions. Each service owns its transaction and records an
audit event; views, the API, tasks and commands call these and nothing else."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from enrollment.contributions import assessment
from enrollment.contributions.models import ContributionBase, EmployerPayroll
from enrollment.people.models import (
    EMPLOYER_SCOPES,
    Employer,
    EnrollmentEpisode,
    InsuredPerson,
    Scheme,
)
from enrollment.people.services import BATCH_SIZE, _require_county_in_scope
from enrollment.people.validators import resident_id_facts, validate_credit_code
from pooling.accounts.models import User
from pooling.core.access import scope_queryset
from pooling.core.audit import audit_record, snapshot
from pooling.core.imports import ImportReport, UnreadableFile, parse_amount, read_table
from pooling.core.money import validate_month_start
from pooling.structure.models import County, Municipality

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
        created = assessment.assessment_insert_counties(
            municipality=municipality,
            month=month,
            parameters={
                county: assessment.assessment_parameters(
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
