"""Writes of contributions (N 三(二)): declared wages and payrolls, one by one or from a file
(the row-import skeleton), and the monthly assessment. Each service owns its transaction and
records an audit event."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TypeVar

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from enrollment.contributions import assessment
from enrollment.contributions.models import Assessment, ContributionBase, EmployerPayroll
from enrollment.people.models import (
    EMPLOYER_SCOPES,
    Employer,
    EnrollmentEpisode,
    InsuredPerson,
    Scheme,
)
from enrollment.people.selectors import employers_for, people_for
from enrollment.people.services import require_county_in_scope
from enrollment.people.validators import resident_id_facts, validate_credit_code
from pooling.accounts.models import User
from pooling.core.audit import audit_record, snapshot
from pooling.core.imports import ImportReport, RowImport, row_import
from pooling.core.money import validate_month_start
from pooling.structure.models import County, Municipality

BATCH_SIZE = 5000  # rows per INSERT of a bulk write

# Contribution bases -------------------------------------------------------------------------


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
    require_county_in_scope(actor=actor, county=person.county, field="person")
    if yearly_wage < 0:
        raise ValidationError({"yearly_wage": _("A wage cannot be negative.")})
    return _declaration_set(
        ContributionBase,
        owner=person,
        lookup={"person": person, "year": year},
        amount={"yearly_wage": yearly_wage},
        action="base.set",
        actor=actor,
    )


@transaction.atomic(durable=True)
def employer_payroll_set(
    *, employer: Employer, year: int, total_payroll: Decimal, actor: User | None
) -> EmployerPayroll:
    """Declare an employer's last-year total payroll for contribution ``year`` (N 三(二)1)."""
    require_county_in_scope(actor=actor, county=employer.county, field="employer")
    if total_payroll < 0:
        raise ValidationError({"total_payroll": _("A payroll cannot be negative.")})
    return _declaration_set(
        EmployerPayroll,
        owner=employer,
        lookup={"employer": employer, "year": year},
        amount={"total_payroll": total_payroll},
        action="payroll.set",
        actor=actor,
    )


Declared = TypeVar("Declared", ContributionBase, EmployerPayroll)


def _declaration_set(
    model: type[Declared],
    *,
    owner: InsuredPerson | Employer,
    lookup: dict,
    amount: dict[str, Decimal],
    action: str,
    actor: User | None,
) -> Declared:
    """Store ``owner``'s declared ``amount`` (field → value) of the row ``lookup`` names,
    replacing the one stored, and record the audit event with the value before."""
    before = snapshot(model.objects.select_for_update().filter(**lookup).first())
    declaration, _created = model.objects.update_or_create(**lookup, defaults=amount)
    audit_record(
        actor=actor,
        action=action,
        instance=declaration,
        before=before,
        municipality=owner.municipality,
        county=owner.county,
    )
    return declaration


BASE_FILE_COLUMNS = {
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


@dataclass(frozen=True)
class Declaration:
    """One clean row of a base file: the person's wage or the employer's payroll of a year."""

    target: Employer | InsuredPerson
    year: int
    amount: Decimal
    amount_text: str  # as written in the file, for the report


class _DeclarationImport(RowImport[Declaration]):
    """What the two base files share: every row names an employer by credit code, a year
    and an amount; a person (employer) and year is declared once per file; what is written
    replaces the value already stored for that person (employer) and year."""

    columns = BASE_FILE_COLUMNS
    kind = ""
    amount_column = ""
    # Where a clean row goes: the model, its field naming the person (employer), its amount.
    model: type[ContributionBase] | type[EmployerPayroll]
    target_field = amount_field = ""

    def __init__(self, *, municipality: Municipality, actor: User, file_name: str) -> None:
        self.municipality = municipality
        self.actor = actor
        self.file_name = file_name
        self.employers: dict[str, Employer] = {}

    def prepare(self, rows: list[tuple[int, dict[str, str]]]) -> None:
        codes = {values["credit_code"].upper() for _number, values in rows}
        self.employers = {
            employer.credit_code: employer
            for employer in employers_for(user=self.actor).filter(
                municipality=self.municipality, credit_code__in=codes
            )
        }

    def screen(
        self, number: int, values: dict[str, str], report: ImportReport
    ) -> Declaration | None:
        """Check the row's columns in file order: credit code, what the kind adds (the
        person), year, amount; every error is reported, not only the first."""
        employer = self._employer(number, values["credit_code"].upper(), report)
        target = self.target(number, values, employer, report)
        year = _wage_year(values["year"])
        if year is None:
            report.add(
                number,
                "year",
                values["year"],
                gettext_lazy("The year must be a number between 2000 and 2100."),
            )
        amount = report.amount(number, self.amount_column, values[self.amount_column])
        if target is None or year is None or amount is None:
            return None
        return Declaration(target, year, amount, values[self.amount_column])

    def _employer(self, number: int, code: str, report: ImportReport) -> Employer | None:
        try:
            validate_credit_code(code)
        except ValidationError as error:
            report.add(number, "credit_code", code, error)
            return None
        if code not in self.employers:
            report.add(
                number,
                "credit_code",
                code,
                gettext_lazy("No employer with this code in your area."),
            )
        return self.employers.get(code)

    def target(
        self,
        number: int,
        values: dict[str, str],
        employer: Employer | None,
        report: ImportReport,
    ) -> Employer | InsuredPerson | None:
        """Whose value the row declares."""
        raise NotImplementedError

    def check_rows(
        self, clean: list[tuple[int, Declaration]], report: ImportReport
    ) -> list[tuple[int, Declaration]]:
        """The first row of a person (employer) and year counts; a later one is reported.
        The report stays in row order, as if each row had been checked whole in turn."""
        seen: set[tuple[int, int]] = set()
        kept = []
        for number, row in clean:
            key = (row.target.pk, row.year)
            if key in seen:
                report.add(
                    number,
                    self.amount_column,
                    row.amount_text,
                    gettext_lazy("The same year is declared twice in this file."),
                )
                continue
            seen.add(key)
            kept.append((number, row))
        report.errors.sort(key=lambda error: error.row)
        return kept

    def write(self, rows: list[Declaration]) -> int:
        """Insert the rows in bulk, each replacing the value stored for its year."""
        self.model.objects.bulk_create(
            [
                self.model(
                    **{
                        self.target_field: row.target,
                        "year": row.year,
                        self.amount_field: row.amount,
                    }
                )
                for row in rows
            ],
            batch_size=BATCH_SIZE,
            update_conflicts=True,
            unique_fields=[self.target_field, "year"],
            update_fields=[self.amount_field, "declared_at"],
        )
        return len(rows)

    def audit(self, report: ImportReport) -> None:
        audit_record(
            actor=self.actor,
            action=f"base.import_{self.kind}",
            instance=self.municipality,
            before=None,
            after={
                "file": self.file_name,
                "imported": report.imported,
                "errors": len(report.errors),
            },
            municipality=self.municipality,
            county=self.actor.county if self.actor.county_id else None,
        )


class WageImport(_DeclarationImport):
    """Employees' last-year wages: credit_code, id_number, year, wage. The person must be
    an employee of the employer named on the row."""

    kind = BaseFileKind.WAGES
    amount_column = "wage"
    model = ContributionBase
    target_field, amount_field = "person", "yearly_wage"
    required = ("credit_code", "id_number", "year", "wage")

    def prepare(self, rows: list[tuple[int, dict[str, str]]]) -> None:
        super().prepare(rows)
        id_numbers = {values["id_number"].upper() for _number, values in rows}
        self.people = {
            person.id_number: person
            for person in people_for(user=self.actor).filter(
                municipality=self.municipality, id_number__in=id_numbers
            )
        }

    def target(self, number, values, employer, report) -> InsuredPerson | None:
        id_number = values["id_number"].upper()
        try:
            resident_id_facts(id_number)
        except ValidationError as error:
            report.add(number, "id_number", id_number, error)
            return None
        person = self.people.get(id_number)
        if person is None:
            report.add(
                number,
                "id_number",
                id_number,
                gettext_lazy("No insured person with this ID in your area."),
            )
        elif employer is not None and person.employer_id != employer.pk:
            report.add(
                number,
                "id_number",
                id_number,
                gettext_lazy("This person is not an employee of that employer."),
            )
        return person


class PayrollImport(_DeclarationImport):
    """Employers' last-year total payrolls: credit_code, year, payroll."""

    kind = BaseFileKind.PAYROLL
    amount_column = "payroll"
    model = EmployerPayroll
    target_field, amount_field = "employer", "total_payroll"
    required = ("credit_code", "year", "payroll")

    def target(self, number, values, employer, report) -> Employer | None:
        return employer


BASE_FILE_IMPORTS: dict[str, type[_DeclarationImport]] = {
    BaseFileKind.WAGES: WageImport,
    BaseFileKind.PAYROLL: PayrollImport,
}


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

    Every row is checked first (``WageImport``, ``PayrollImport`` on the row-import
    skeleton). With any error nothing is written, unless ``import_valid_rows`` is set: then
    the valid rows are written and the report still lists the invalid ones. Existing values
    of the same person (employer) and year are replaced.
    """
    if kind not in BASE_FILE_IMPORTS:
        raise ValidationError({"kind": _("Unknown kind of file: %(kind)s.") % {"kind": kind}})
    importer = BASE_FILE_IMPORTS[kind](municipality=municipality, actor=actor, file_name=file_name)
    return row_import(
        importer, file_name=file_name, content=content, import_valid_rows=import_valid_rows
    )


# Monthly assessment -------------------------------------------------------------------------


@dataclass(frozen=True)
class AssessmentRunResult:
    month: datetime.date
    created: int
    missing_base: int
    # With ``by_county``: the same figures per county id.
    created_by_county: dict[int, int] = field(default_factory=dict)
    missing_base_by_county: dict[int, int] = field(default_factory=dict)


@transaction.atomic(durable=True)
def assessment_run(
    *, municipality: Municipality, month: datetime.date, actor: User | None
) -> AssessmentRunResult:
    """Assess ``month`` for every person insured in the employee scheme (N 三(二)1–2); see
    ``_assessment_insert``."""
    return _assessment_insert(municipality=municipality, month=month, actor=actor, county=None)


@transaction.atomic
def assessment_run_within(
    *,
    municipality: Municipality,
    month: datetime.date,
    actor: User | None,
    county: County | None = None,
    by_county: bool = False,
) -> AssessmentRunResult:
    """``assessment_run`` inside the caller's transaction, for ``county``'s people only or for
    every county: the monthly cycle's per-county parts, which mark themselves done in the same
    transaction. ``by_county`` also counts the figures per county."""
    return _assessment_insert(
        municipality=municipality, month=month, actor=actor, county=county, by_county=by_county
    )


def _assessed_by_county(municipality: Municipality, month: datetime.date) -> dict[int, int]:
    return dict(
        Assessment.objects.filter(municipality=municipality, month=month)
        .values_list("county_id")
        .annotate(rows=Count("id"))
        .order_by()
    )


def _assessment_insert(
    *,
    municipality: Municipality,
    month: datetime.date,
    actor: User | None,
    county: County | None,
    by_county: bool = False,
) -> AssessmentRunResult:
    """Assess ``month`` for every person insured in the employee scheme, or only for
    ``county``'s (N 三(二)1–2).

    One set-based ``INSERT … SELECT … ON CONFLICT DO NOTHING`` for all counties, each with its
    own rules in force for the month: a rerun adds nothing, a person enrolled later is assessed
    on the next run. Employees without a declared base for the year are skipped and counted.
    """
    validate_month_start(month)
    insured = EnrollmentEpisode.objects.filter(
        scheme=Scheme.EMPLOYEE, from_month__lte=month
    ).filter(Q(to_month__isnull=True) | Q(to_month__gte=month))
    if county is not None:
        insured = insured.filter(county=county)
    # A county with nobody insured in the scheme this month has nothing to assess, so its
    # rules are not read.
    counties = (
        County.objects.filter(municipality=municipality)
        .filter(Exists(insured.filter(county=OuterRef("pk"))))
        .order_by("pk")
    )
    before = _assessed_by_county(municipality, month) if by_county else {}
    created = assessment.assessment_insert_counties(
        municipality=municipality,
        month=month,
        parameters={
            county: assessment.assessment_parameters(
                municipality=municipality, county=county, month=month
            )
            for county in counties
        },
    )
    missing = insured.filter(county__municipality=municipality, scope__in=EMPLOYER_SCOPES).exclude(
        person__bases__year=month.year
    )
    created_by_county: dict[int, int] = {}
    missing_base_by_county: dict[int, int] = {}
    if by_county:
        after = _assessed_by_county(municipality, month)
        created_by_county = {pk: rows - before.get(pk, 0) for pk, rows in after.items()}
        missing_base_by_county = dict(
            missing.values_list("county_id").annotate(rows=Count("id")).order_by()
        )
        missing_base = sum(missing_base_by_county.values())
    else:
        missing_base = missing.count()
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
            county=county,
        )
    return AssessmentRunResult(
        month=month,
        created=created,
        missing_base=missing_base,
        created_by_county=created_by_county,
        missing_base_by_county=missing_base_by_county,
    )
