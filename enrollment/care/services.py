"""Outpatient specified diseases (门诊规定病种) and out-of-area care filings (异地就医备案) with
two-way referral records (J 二(四), DOMAIN §9; issue 7 items 3, 4). Services write and audit;
selectors read, scoped like every list: a county officer sees and decides only their county's.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from enrollment.care.models import (
    DecisionStatus,
    DiseaseApplication,
    OutOfAreaFiling,
    SpecifiedDisease,
)
from enrollment.people.models import InsuredPerson
from pooling.accounts.models import User
from pooling.core.audit import audit_record, snapshot
from pooling.core.db import insert_unique
from pooling.structure.models import Municipality

# Services ------------------------------------------------------------------------------------


@transaction.atomic(durable=True)
def specified_disease_add(
    *, municipality: Municipality, code: str, name: str, actor: User
) -> SpecifiedDisease:
    """Add a disease to the municipality's outpatient specified-disease catalogue."""
    code = code.strip().upper()
    taken = ValidationError(
        {
            "code": ValidationError(
                _("The code %(code)s is already in use."),
                code="disease_code_taken",
                params={"code": code},
            )
        }
    )
    if SpecifiedDisease.objects.filter(municipality=municipality, code=code).exists():
        raise taken
    disease = insert_unique(
        lambda: SpecifiedDisease.objects.create(
            municipality=municipality, code=code, name=name.strip()
        ),
        taken=taken,
    )
    audit_record(
        actor=actor,
        action="enrollment.specified_disease_add",
        instance=disease,
        municipality=municipality,
    )
    return disease


def _refuse_decided(status: str) -> None:
    if status != DecisionStatus.SUBMITTED:
        raise ValidationError(
            _("This has already been decided (%(status)s)."),
            code="already_decided",
            params={"status": DecisionStatus(status).label},
        )


def _require_reason(approve: bool, reason: str, field: str) -> None:
    if not approve and not reason.strip():
        raise ValidationError(
            {field: ValidationError(_("Give the reason for the refusal."), code="reason")}
        )


@transaction.atomic(durable=True)
def disease_application_submit(
    *,
    person: InsuredPerson,
    disease: SpecifiedDisease,
    applied_on: datetime.date,
    actor: User,
) -> DiseaseApplication:
    """Record a person's application; one open or approved application per disease."""
    if disease.municipality_id != person.municipality_id or not disease.active:
        raise ValidationError(
            {"disease": ValidationError(_("Not a disease of the catalogue."), code="disease")}
        )
    try:
        with transaction.atomic():
            application = DiseaseApplication.objects.create(
                person=person,
                county_id=person.county_id,
                disease=disease,
                applied_on=applied_on,
                submitted_by=actor,
            )
    except IntegrityError as error:
        raise ValidationError(
            {
                "disease": ValidationError(
                    _("%(name)s already has an open or approved application for %(disease)s."),
                    code="application_exists",
                    params={"name": person.name, "disease": disease.name},
                )
            }
        ) from error
    audit_record(
        actor=actor,
        action="enrollment.disease_application_submit",
        instance=application,
        municipality=person.municipality,
        county=person.county,
    )
    return application


@transaction.atomic(durable=True)
def disease_application_assess(
    *,
    application: DiseaseApplication,
    approve: bool,
    approved_from: datetime.date | None,
    refusal_reason: str,
    actor: User,
) -> DiseaseApplication:
    """The agency's assessment: approved from a date, or refused with a reason."""
    application = DiseaseApplication.objects.select_for_update().get(pk=application.pk)
    _refuse_decided(application.status)
    _require_reason(approve, refusal_reason, "refusal_reason")
    if approve and approved_from is None:
        raise ValidationError(
            {"approved_from": ValidationError(_("Give the date cover starts."), code="date")}
        )
    before = snapshot(application)
    application.status = DecisionStatus.APPROVED if approve else DecisionStatus.REFUSED
    application.approved_from = approved_from if approve else None
    application.refusal_reason = "" if approve else refusal_reason.strip()
    application.assessed_by = actor
    application.assessed_at = timezone.now()
    application.save()
    audit_record(
        actor=actor,
        action="enrollment.disease_application_assess",
        instance=application,
        before=before,
        municipality=application.county.municipality,
        county=application.county,
    )
    return application


@transaction.atomic(durable=True)
def out_of_area_filing_submit(
    *,
    person: InsuredPerson,
    kind: str,
    destination: str,
    reason: str,
    valid_from: datetime.date,
    valid_to: datetime.date,
    actor: User,
) -> OutOfAreaFiling:
    """Record a filing or a referral: where, why, from when to when."""
    if valid_to < valid_from:
        raise ValidationError(
            {"valid_to": ValidationError(_("The end cannot be before the start."), code="period")}
        )
    filing = OutOfAreaFiling.objects.create(
        person=person,
        county_id=person.county_id,
        kind=kind,
        destination=destination.strip(),
        reason=reason.strip(),
        valid_from=valid_from,
        valid_to=valid_to,
        submitted_by=actor,
    )
    audit_record(
        actor=actor,
        action="enrollment.out_of_area_filing_submit",
        instance=filing,
        municipality=person.municipality,
        county=person.county,
    )
    return filing


@transaction.atomic(durable=True)
def out_of_area_filing_decide(
    *, filing: OutOfAreaFiling, approve: bool, refusal_reason: str, actor: User
) -> OutOfAreaFiling:
    """Approve a filing, or refuse it with a reason."""
    filing = OutOfAreaFiling.objects.select_for_update().get(pk=filing.pk)
    _refuse_decided(filing.status)
    _require_reason(approve, refusal_reason, "refusal_reason")
    before = snapshot(filing)
    filing.status = DecisionStatus.APPROVED if approve else DecisionStatus.REFUSED
    filing.refusal_reason = "" if approve else refusal_reason.strip()
    filing.decided_by = actor
    filing.decided_at = timezone.now()
    filing.save()
    audit_record(
        actor=actor,
        action="enrollment.out_of_area_filing_decide",
        instance=filing,
        before=before,
        municipality=filing.county.municipality,
        county=filing.county,
    )
    return filing
