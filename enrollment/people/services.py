"""Writes of employers, insured people and their enrollment episodes (N 三(一)). Each service
owns its transaction and records an audit event; a status changes only through the
workflows declared in ``enrollment.people.models``."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from enrollment.people.models import (
    EMPLOYER_SCOPES,
    EMPLOYER_WORKFLOW,
    PERSON_WORKFLOW,
    SCOPE_SCHEME,
    Employer,
    EnrollmentEpisode,
    InsuredPerson,
    Scope,
)
from enrollment.people.validators import resident_id_facts, validate_credit_code
from pooling.accounts.models import User
from pooling.core.audit import audit_record, snapshot
from pooling.core.db import insert_unique
from pooling.core.money import validate_month_start
from pooling.core.workflow import Workflow
from pooling.structure.models import County
from pooling.structure.selectors import counties_for


def require_county_in_scope(*, actor: User | None, county: County, field: str = "county") -> None:
    """A county officer writes only in their own county; others in their municipality's
    counties (``counties_for``). Without an actor (a task, a command) nothing is checked."""
    if actor is None:
        return
    if not counties_for(user=actor).filter(pk=county.pk).exists():
        raise ValidationError(
            {field: _("You may not register anything in %(county)s.") % {"county": county.name}}
        )


def _status_action(workflow: Workflow, status: str) -> str:
    """The action of ``workflow`` that moves to ``status``; an unknown status is refused."""
    for action, transition in workflow.transitions.items():
        if transition.target == status:
            return action
    raise ValidationError({"status": _("Unknown status %(status)s.") % {"status": status}})


# Employers ----------------------------------------------------------------------------------


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
    require_county_in_scope(actor=actor, county=county)
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
    _check_bankruptcy(status, bankruptcy_date)
    insert_unique(employer.save, taken=taken)
    audit_record(
        actor=actor,
        action="employer.create",
        instance=employer,
        municipality=county.municipality,
        county=county,
    )
    return employer


def _check_bankruptcy(status: str, bankruptcy_date: datetime.date | None) -> None:
    if status == Employer.Status.BANKRUPT and bankruptcy_date is None:
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
    """Change an employer's name, unit type, status or bankruptcy date (N 三(二)4).

    A new status goes through ``EMPLOYER_WORKFLOW``, in the one UPDATE that also writes the
    other fields.
    """
    employer = Employer.objects.select_for_update().get(pk=employer.pk)
    require_county_in_scope(actor=actor, county=employer.county)
    before = snapshot(employer)
    changes = {"name": name, "unit_type": unit_type, "bankruptcy_date": bankruptcy_date}
    _check_bankruptcy(status, bankruptcy_date)
    if status == employer.status:
        for field, value in changes.items():
            setattr(employer, field, value)
        employer.save(update_fields=list(changes))
    else:
        EMPLOYER_WORKFLOW.transition(
            employer, _status_action(EMPLOYER_WORKFLOW, status), actor=actor, **changes
        )
    audit_record(
        actor=actor,
        action="employer.update",
        instance=employer,
        before=before,
        municipality=employer.municipality,
        county=employer.county,
    )
    return employer


# People and episodes ------------------------------------------------------------------------


def status_on_enrollment(category: str) -> str:
    """A retiree is enrolled ``retired``, everyone else ``active``."""
    if category == Scope.RETIREE:
        return InsuredPerson.Status.RETIRED
    return InsuredPerson.Status.ACTIVE


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
    require_county_in_scope(actor=actor, county=county)
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
        status=status_on_enrollment(category),
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
    require_county_in_scope(actor=actor, county=person.county, field="person")
    require_county_in_scope(actor=actor, county=county)
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
def person_set_status(*, person: InsuredPerson, status: str, actor: User | None) -> InsuredPerson:
    """Change a person's status (active, retired, suspended, left, deceased) through
    ``PERSON_WORKFLOW``; choosing the status the person already has changes nothing."""
    person = InsuredPerson.objects.get(pk=person.pk)
    require_county_in_scope(actor=actor, county=person.county)
    if status == person.status:
        return person
    PERSON_WORKFLOW.transition(
        person, _status_action(PERSON_WORKFLOW, status), actor=actor, audit_action="person.status"
    )
    return person
