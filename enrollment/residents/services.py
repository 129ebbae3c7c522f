"""Writes of the resident scheme (DOMAIN §13; J 二(二)2, Z 二): enrolling a resident for a
benefit year, the set-based assessment of the year's individual contributions, the
enrollment import, recording a year without fund payments, and marking contributions paid
(called by ``funds.residents`` inside its posting transaction)."""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, override

from enrollment.people.models import SCOPE_SCHEME, InsuredPerson, Scheme
from enrollment.people.selectors import people_for
from enrollment.people.services import require_county_in_scope
from enrollment.people.validators import resident_id_facts
from enrollment.residents.models import (
    CONTRIBUTION_RULE,
    AssistedGroup,
    Payer,
    ResidentCategory,
    ResidentContribution,
    ResidentEnrollment,
)
from enrollment.residents.selectors import enrollment_period, enrollment_terms
from pooling.accounts.models import User
from pooling.core.audit import audit_record
from pooling.core.db import bulk_work_mem, insert_unique
from pooling.core.imports import ImportReport, RowImport, row_import
from pooling.rules.selectors import rule_value
from pooling.structure.models import Municipality

# Who may pay for whom: an assisted group's part is paid by a body, never by the resident.
ASSISTED_PAYERS = frozenset(Payer.values) - {Payer.SELF}


def _check_payer(assisted_group: str, payer: str) -> None:
    if assisted_group == AssistedGroup.NONE and payer != Payer.SELF:
        raise ValidationError(
            {"payer": _("A resident outside the assisted groups pays their own contribution.")}
        )
    if assisted_group != AssistedGroup.NONE and payer not in ASSISTED_PAYERS:
        raise ValidationError(
            {
                "payer": _(
                    "Record who pays for an assisted resident: medical assistance, civil "
                    "affairs or the disabled persons' federation."
                )
            }
        )


def _check_person(person: InsuredPerson) -> None:
    if SCOPE_SCHEME.get(person.category) != Scheme.RESIDENT:
        raise ValidationError(
            {
                "person": _("%(name)s is registered in the employee scheme (%(scope)s).")
                % {"name": person.name, "scope": person.get_category_display()}
            }
        )
    if person.status in (InsuredPerson.Status.DECEASED, InsuredPerson.Status.LEFT):
        raise ValidationError(
            {
                "person": _("%(name)s is %(status)s and cannot enrol.")
                % {"name": person.name, "status": person.get_status_display()}
            }
        )


def _enroll(
    *,
    person: InsuredPerson,
    benefit_year: int,
    category: str,
    assisted_group: str,
    payer: str,
    enrolled_on: datetime.date,
    actor: User | None,
) -> ResidentEnrollment:
    """Check and write one enrollment (inside the caller's transaction)."""
    county = person.county
    require_county_in_scope(actor=actor, county=county, field="person")
    _check_person(person)
    _check_payer(assisted_group, payer)
    opens, _closes = enrollment_period(
        municipality=county.municipality, benefit_year=benefit_year, county=county
    )
    if enrolled_on < opens:
        raise ValidationError(
            {
                "enrolled_on": _("The enrollment period for %(year)s opens on %(opens)s.")
                % {"year": benefit_year, "opens": opens.isoformat()}
            }
        )
    if enrolled_on > datetime.date(benefit_year, 12, 31):
        raise ValidationError(
            {
                "enrolled_on": _("The benefit year %(year)s ended on %(end)s.")
                % {"year": benefit_year, "end": f"{benefit_year}-12-31"}
            }
        )
    taken = ValidationError(
        {
            "benefit_year": _("%(name)s is already enrolled for %(year)s.")
            % {"name": person.name, "year": benefit_year}
        }
    )
    if ResidentEnrollment.objects.filter(person=person, benefit_year=benefit_year).exists():
        raise taken
    terms = enrollment_terms(
        person=person,
        county=county,
        benefit_year=benefit_year,
        enrolled_on=enrolled_on,
        assisted_group=assisted_group,
    )
    enrollment = ResidentEnrollment(
        person=person,
        municipality_id=county.municipality_id,
        county=county,
        benefit_year=benefit_year,
        category=category,
        assisted_group=assisted_group,
        payer=payer,
        enrolled_on=enrolled_on,
        late=terms.late,
        years_without_enrollment=terms.years_without_enrollment,
        waiting_months=terms.waiting_months,
        benefits_from=terms.benefits_from,
        continuous_years=terms.continuous_years,
        claim_free_years=terms.claim_free_years,
        ceiling_increment=terms.ceiling_increment,
    )
    insert_unique(enrollment.save, taken=taken)
    return enrollment


@transaction.atomic(durable=True)
def resident_enroll(
    *,
    person: InsuredPerson,
    benefit_year: int,
    category: str,
    enrolled_on: datetime.date,
    actor: User | None,
    assisted_group: str = AssistedGroup.NONE,
    payer: str = Payer.SELF,
) -> ResidentEnrollment:
    """Enrol a registered resident for ``benefit_year`` (DOMAIN §13) and assess their
    contribution at once (a late enrollee owes from the day they enrol).

    Refused: a person of the employee scheme, one who left or died, an assisted group
    without its payer (or a payer for someone not assisted), a day before the period opens
    or after the year ends, a second enrollment for the same year. The waiting period and
    the ceiling increment come from ``enrollment_terms``.
    """
    enrollment = _enroll(
        person=person,
        benefit_year=benefit_year,
        category=category,
        assisted_group=assisted_group,
        payer=payer,
        enrolled_on=enrolled_on,
        actor=actor,
    )
    _assess(
        municipality=person.county.municipality,
        benefit_year=benefit_year,
        enrollment_ids=[enrollment.pk],
    )
    audit_record(
        actor=actor,
        action="resident.enroll",
        instance=enrollment,
        municipality=person.county.municipality,
        county=person.county,
    )
    return enrollment


# ---------------------------------------------------------------------------------------------
# The annual assessment
# ---------------------------------------------------------------------------------------------


def contribution_amounts(
    *, municipality: Municipality, benefit_year: int
) -> dict[tuple[int, str], Decimal]:
    """Each (county id, category)'s individual contribution for ``benefit_year``: the
    category's dated rule in force on 1 January (a county's own version before its
    accession, J 二)."""
    on = datetime.date(benefit_year, 1, 1)
    return {
        (county.pk, category): rule_value(municipality=municipality, key=key, on=on, county=county)
        for county in municipality.counties.order_by("pk")
        for category, key in CONTRIBUTION_RULE.items()
    }


def _assess(
    *,
    municipality: Municipality,
    benefit_year: int,
    enrollment_ids: Iterable[int] | None = None,
) -> int:
    """One ``INSERT … SELECT`` of the contribution of every enrollment of the year not yet
    assessed (or only of ``enrollment_ids``); the amount is picked per county and category
    by a ``CASE`` of the dated rule values. Returns how many rows were written."""
    amounts = contribution_amounts(municipality=municipality, benefit_year=benefit_year)
    branches, params = [], []
    for (county_id, category), amount in amounts.items():
        branches.append("WHEN e.county_id = %s AND e.category = %s THEN CAST(%s AS NUMERIC(18, 2))")
        params.extend([county_id, category, str(amount)])
    enrollment_table = ResidentEnrollment._meta.db_table
    contribution_table = ResidentContribution._meta.db_table
    only = ""
    where_params: list = [municipality.pk, benefit_year]
    if enrollment_ids is not None:
        ids = list(enrollment_ids)
        if not ids:
            return 0
        only = f"AND e.id IN ({', '.join(['%s'] * len(ids))})"
        where_params.extend(ids)
    sql = f"""
        INSERT INTO {contribution_table}
            (enrollment_id, municipality_id, county_id, benefit_year, payer, amount, paid,
             assessed_at)
        SELECT e.id, e.municipality_id, e.county_id, e.benefit_year, e.payer,
               CASE {" ".join(branches)} END, 0, %s
        FROM {enrollment_table} e
        WHERE e.municipality_id = %s AND e.benefit_year = %s {only}
          AND NOT EXISTS (SELECT 1 FROM {contribution_table} c WHERE c.enrollment_id = e.id)
        ON CONFLICT (enrollment_id) DO NOTHING
    """  # noqa: S608 - table names from the models, values as parameters
    bulk_work_mem()
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, timezone.now(), *where_params])
        return max(cursor.rowcount, 0)


@transaction.atomic(durable=True)
def resident_contributions_assess(
    *, municipality: Municipality, benefit_year: int, actor: User | None
) -> int:
    """Assess the individual contribution of every enrollment of ``benefit_year`` not yet
    assessed, set-based (DOMAIN §13). Run when the enrollment period opens and again at
    any time: an enrollment is assessed once, so a second run writes nothing. Returns the
    number of contributions written."""
    written = _assess(municipality=municipality, benefit_year=benefit_year)
    audit_record(
        actor=actor,
        action="resident.assess",
        instance=municipality,
        after={"benefit_year": benefit_year, "assessed": written},
        municipality=municipality,
    )
    return written


# ---------------------------------------------------------------------------------------------
# Recording a year without fund payments; payments
# ---------------------------------------------------------------------------------------------


@transaction.atomic(durable=True)
def resident_claim_free_record(
    *, enrollment: ResidentEnrollment, claim_free: bool, actor: User | None
) -> ResidentEnrollment:
    """Record whether the fund paid nothing for the resident in the enrollment's year; a
    later year's ceiling increment counts the years recorded claim-free (国办发〔2024〕38号)."""
    require_county_in_scope(actor=actor, county=enrollment.county, field="claim_free")
    before = {"claim_free": enrollment.claim_free}
    ResidentEnrollment.objects.filter(pk=enrollment.pk).update(claim_free=claim_free)
    enrollment.refresh_from_db()
    audit_record(
        actor=actor,
        action="resident.claim_free",
        instance=enrollment,
        before=before,
        after={"claim_free": claim_free},
        municipality=enrollment.county.municipality,
        county=enrollment.county,
    )
    return enrollment


@dataclass(frozen=True)
class PaidGroup:
    county_id: int
    amount: Decimal
    count: int


def resident_contributions_pay(
    *, contributions: list[ResidentContribution], paid_on: datetime.date
) -> None:
    """Mark each contribution fully paid (inside the caller's posting transaction). Only an
    unpaid contribution changes: the conditional UPDATE decides, so a repeated call pays
    nothing twice; a contribution paid meanwhile is refused."""
    if not contributions:
        return
    ids = [contribution.pk for contribution in contributions]
    changed = ResidentContribution.objects.filter(pk__in=ids, paid__lt=F("amount")).update(
        paid=F("amount"), paid_on=paid_on
    )
    if changed != len(ids):
        raise ValidationError(
            _("Some of these contributions were paid meanwhile; nothing was booked. Try again.")
        )


# ---------------------------------------------------------------------------------------------
# Import
# ---------------------------------------------------------------------------------------------


def _choice_aliases(choices) -> dict[str, str]:
    """A choice by its key or its label in Chinese or English (lower case)."""
    aliases = {}
    for value, label in choices:
        aliases[str(value).lower()] = value
        for language in ("zh-hans", "en"):
            with override(language):
                aliases[str(label).lower()] = value
    return aliases


ENROLLMENT_FILE_COLUMNS = {
    "身份证号": "id_number",
    "公民身份号码": "id_number",
    "id number": "id_number",
    "id_number": "id_number",
    "待遇年度": "benefit_year",
    "benefit year": "benefit_year",
    "benefit_year": "benefit_year",
    "类别": "category",
    "category": "category",
    "救助对象": "assisted_group",
    "assisted group": "assisted_group",
    "assisted_group": "assisted_group",
    "缴费主体": "payer",
    "payer": "payer",
    "参保日期": "enrolled_on",
    "enrolled on": "enrolled_on",
    "enrolled_on": "enrolled_on",
}


@dataclass(frozen=True)
class _EnrollmentRow:
    person: InsuredPerson
    benefit_year: int
    category: str
    assisted_group: str
    payer: str
    enrolled_on: datetime.date


class _EnrollmentImport(RowImport[_EnrollmentRow]):
    """Resident enrollments by ID number (the person must be registered and in scope)."""

    columns = ENROLLMENT_FILE_COLUMNS
    required = ("id_number", "benefit_year", "category", "enrolled_on")

    def __init__(self, *, municipality: Municipality, actor: User) -> None:
        self.municipality = municipality
        self.actor = actor
        self.people: dict[str, InsuredPerson] = {}
        self.categories = _choice_aliases(ResidentCategory.choices)
        self.groups = _choice_aliases(AssistedGroup.choices)
        self.payers = _choice_aliases(Payer.choices)
        self.errors_by_row: dict[int, int] = {}

    def prepare(self, rows: list[tuple[int, dict[str, str]]]) -> None:
        numbers = {values.get("id_number", "").strip().upper() for _number, values in rows}
        self.people = {
            person.id_number: person
            for person in people_for(user=self.actor).filter(
                municipality=self.municipality, id_number__in=numbers
            )
        }

    def screen(
        self, number: int, values: dict[str, str], report: ImportReport
    ) -> _EnrollmentRow | None:
        id_number = values["id_number"].strip().upper()
        person = None
        try:
            resident_id_facts(id_number)
        except ValidationError as error:
            report.add(number, "id_number", id_number, error)
        else:
            person = self.people.get(id_number)
            if person is None:
                report.add(
                    number,
                    "id_number",
                    id_number,
                    gettext_lazy("No registered person with this ID number in your area."),
                )
        year_text = values["benefit_year"].strip()
        year = int(year_text) if year_text.isdigit() and 2000 <= int(year_text) <= 2100 else None
        if year is None:
            report.add(
                number,
                "benefit_year",
                year_text,
                gettext_lazy("The year must be a number between 2000 and 2100."),
            )
        category = self._choice(number, values, "category", self.categories, report, "")
        group = self._choice(number, values, "assisted_group", self.groups, report, "none")
        payer = self._choice(number, values, "payer", self.payers, report, "self")
        enrolled_on = None
        try:
            enrolled_on = datetime.date.fromisoformat(values["enrolled_on"].strip()[:10])
        except ValueError:
            report.add(
                number,
                "enrolled_on",
                values["enrolled_on"],
                gettext_lazy("Not a date; write it as YYYY-MM-DD."),
            )
        if None in (person, year, category, group, payer, enrolled_on):
            return None
        return _EnrollmentRow(person, year, category, group, payer, enrolled_on)

    def _choice(self, number, values, column, aliases, report, default) -> str | None:
        text = values.get(column, "").strip()
        if not text and default:
            return default
        value = aliases.get(text.lower())
        if value is None:
            report.add(
                number,
                column,
                text,
                gettext_lazy("Not one of the choices: %(choices)s.")
                % {"choices": ", ".join(sorted(set(aliases.values())))},
            )
        return value

    def check_rows(self, clean, report):
        """Each row is checked as the service would (payer, period, year taken) in a
        savepoint, so the report names every refusal before anything is written."""
        kept, seen = [], set()
        for number, row in clean:
            key = (row.person.pk, row.benefit_year)
            if key in seen:
                report.add(
                    number,
                    "id_number",
                    row.person.id_number,
                    gettext_lazy("The same person and year appear twice in this file."),
                )
                continue
            seen.add(key)
            try:
                with transaction.atomic():
                    _enroll(actor=self.actor, **row.__dict__)
                    transaction.set_rollback(True)
            except ValidationError as error:
                for column, messages in error.message_dict.items():
                    report.add(
                        number,
                        column if column in ENROLLMENT_FILE_COLUMNS.values() else "id_number",
                        row.person.id_number,
                        messages[0],
                    )
                continue
            kept.append((number, row))
        report.errors.sort(key=lambda error: error.row)
        return kept

    def write(self, rows: list[_EnrollmentRow]) -> int:
        for row in rows:
            _enroll(actor=self.actor, **row.__dict__)
        for year in sorted({row.benefit_year for row in rows}):
            _assess(municipality=self.municipality, benefit_year=year)
        return len(rows)

    def audit(self, report: ImportReport) -> None:
        audit_record(
            actor=self.actor,
            action="resident.import",
            instance=self.municipality,
            after={"imported": report.imported, "errors": len(report.errors)},
            municipality=self.municipality,
        )


@transaction.atomic(durable=True)
def resident_enrollments_import(
    *,
    municipality: Municipality,
    actor: User,
    file_name: str,
    content: bytes,
    import_valid_rows: bool = False,
) -> ImportReport:
    """Import resident enrollments from a CSV or XLSX file (columns: ID number, benefit year,
    category, assisted group, payer, enrollment date) through ``row_import``: every row is
    checked as ``resident_enroll`` checks it; the written enrollments are assessed at once."""
    return row_import(
        _EnrollmentImport(municipality=municipality, actor=actor),
        file_name=file_name,
        content=content,
        import_valid_rows=import_valid_rows,
    )
