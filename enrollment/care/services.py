"""Writes of outpatient specified diseases and out-of-area filings (J 二(四), DOMAIN §9): the
catalogue, applications and filings, and the agency's decision on them through the workflows
of ``enrollment.care.models``. Each service owns its transaction and records an audit event.
"""

import datetime
from typing import TypeVar

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from enrollment.care.models import (
    DISEASE_APPLICATION_WORKFLOW,
    OUT_OF_AREA_FILING_WORKFLOW,
    DiseaseApplication,
    OutOfAreaFiling,
    SpecifiedDisease,
)
from enrollment.people.models import InsuredPerson
from pooling.accounts.models import User
from pooling.core.audit import audit_record
from pooling.core.db import insert_unique
from pooling.core.workflow import Workflow
from pooling.structure.models import Municipality


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


def _decision_action(
    workflow: Workflow,
    instance: DiseaseApplication | OutOfAreaFiling,
    *,
    approve: bool,
    reason: str,
) -> str:
    """The workflow action of a decision. What is decided already is refused first (the
    transition's conditional UPDATE still decides a race); a refusal needs its reason."""
    action = "approve" if approve else "refuse"
    if instance.status not in workflow[action].sources:
        raise workflow.refusal(instance, workflow[action])
    if not approve and not reason.strip():
        raise ValidationError(
            {
                "refusal_reason": ValidationError(
                    _("Give the reason for the refusal."), code="reason"
                )
            }
        )
    return action


Decided = TypeVar("Decided", DiseaseApplication, OutOfAreaFiling)


def _decision_record(
    workflow: Workflow,
    instance: Decided,
    action: str,
    *,
    refusal_reason: str,
    actor: User,
    audit_action: str,
    **fields,
) -> Decided:
    """Take the decision through ``workflow`` (one conditional UPDATE that also writes who,
    when and ``fields``; a refusal keeps its reason) and record the audit event."""
    before = workflow.transition(
        instance,
        action,
        actor=actor,
        refusal_reason=refusal_reason.strip() if action == "refuse" else "",
        **fields,
    )
    audit_record(
        actor=actor,
        action=audit_action,
        instance=instance,
        before=before,
        municipality=instance.county.municipality,
        county=instance.county,
    )
    return instance


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
    application = DiseaseApplication.objects.get(pk=application.pk)
    action = _decision_action(
        DISEASE_APPLICATION_WORKFLOW, application, approve=approve, reason=refusal_reason
    )
    if approve and approved_from is None:
        raise ValidationError(
            {"approved_from": ValidationError(_("Give the date cover starts."), code="date")}
        )
    return _decision_record(
        DISEASE_APPLICATION_WORKFLOW,
        application,
        action,
        refusal_reason=refusal_reason,
        actor=actor,
        audit_action="enrollment.disease_application_assess",
        approved_from=approved_from if approve else None,
        assessed_by=actor,
        assessed_at=timezone.now(),
    )


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
    filing = OutOfAreaFiling.objects.get(pk=filing.pk)
    action = _decision_action(
        OUT_OF_AREA_FILING_WORKFLOW, filing, approve=approve, reason=refusal_reason
    )
    return _decision_record(
        OUT_OF_AREA_FILING_WORKFLOW,
        filing,
        action,
        refusal_reason=refusal_reason,
        actor=actor,
        audit_action="enrollment.out_of_area_filing_decide",
        decided_by=actor,
        decided_at=timezone.now(),
    )
