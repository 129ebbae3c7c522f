"""The writes of the designated hospitals and retail pharmacies (J 二(四), DOMAIN §9):
admission, the yearly review, and changes of the agreement and the status (through
``INSTITUTION_WORKFLOW``). Each service writes and audits in its own transaction.

Code scheme (DOMAIN §11): a hospital is ``H`` + the county's 6-digit GB/T 2260 code + a 5-digit
sequence, e.g. ``H37081100001``; a retail pharmacy, for which the documents give no scheme, is
``P`` + the county's code + a 5-digit sequence, e.g. ``P37081100001``.
"""

import datetime
import re

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from pooling.accounts.models import User
from pooling.core.audit import audit_record, snapshot
from pooling.core.db import insert_unique
from pooling.structure.models import County
from settlement.institutions.models import (
    INSTITUTION_WORKFLOW,
    DesignatedInstitution,
    InstitutionReview,
)

_CODE = re.compile(r"^([HP])(\d{6})(\d{5})$")
_PREFIX = {
    DesignatedInstitution.Kind.HOSPITAL: "H",
    DesignatedInstitution.Kind.PHARMACY: "P",
}


def validate_institution_code(*, code: str, kind: str, county: County) -> None:
    """Refuse a code that does not follow the scheme of the module docstring for ``kind`` and
    ``county``; the error is attached to the ``code`` field."""
    prefix = _PREFIX.get(kind, "H")
    match = _CODE.match(code or "")
    if not match:
        raise ValidationError(
            {
                "code": ValidationError(
                    _(
                        "The code is %(prefix)s + the county's 6-digit region code + a 5-digit "
                        "sequence, for example %(prefix)s%(region)s00001."
                    ),
                    code="institution_code_format",
                    params={"prefix": prefix, "region": county.code},
                )
            }
        )
    if match.group(1) != prefix:
        raise ValidationError(
            {
                "code": ValidationError(
                    _("The code of a %(kind)s begins with %(prefix)s."),
                    code="institution_code_prefix",
                    params={
                        "kind": DesignatedInstitution.Kind(kind).label,
                        "prefix": prefix,
                    },
                )
            }
        )
    if match.group(2) != county.code:
        raise ValidationError(
            {
                "code": ValidationError(
                    _(
                        "The region code %(given)s in the code is not the code of %(county)s "
                        "(%(expected)s)."
                    ),
                    code="institution_code_region",
                    params={
                        "given": match.group(2),
                        "county": county.name,
                        "expected": county.code,
                    },
                )
            }
        )
    if match.group(3) == "00000":
        raise ValidationError(
            {
                "code": ValidationError(
                    _("The 5-digit sequence starts at 00001."),
                    code="institution_code_sequence",
                )
            }
        )


def _check_period(agreement_from: datetime.date, agreement_to: datetime.date) -> None:
    if agreement_to < agreement_from:
        raise ValidationError(
            {
                "agreement_to": ValidationError(
                    _("The agreement cannot end before it begins."), code="agreement_period"
                )
            }
        )


def _status_step(current: str, wanted: str) -> str | None:
    """The workflow step from ``current`` to ``wanted`` (None when the status stays); the
    only status no step leaves is terminated."""
    if wanted == current:
        return None
    for action, transition in INSTITUTION_WORKFLOW.transitions.items():
        if current in transition.sources and transition.target == wanted:
            return action
    raise ValidationError(
        {
            "status": ValidationError(
                _("A terminated agreement is not reinstated; admit the institution anew."),
                code="terminated",
            )
        }
    )


@transaction.atomic(durable=True)
def institution_admit(
    *,
    county: County,
    kind: str,
    code: str,
    name: str,
    level: str,
    agreement_from: datetime.date,
    agreement_to: datetime.date,
    admitted_on: datetime.date,
    notes: str = "",
    actor: User,
) -> DesignatedInstitution:
    """Admit an institution (准入): create it, active, with its agreement period, and record
    the admission review (who, when, notes). The code must follow the scheme and be new."""
    code = (code or "").strip().upper()
    validate_institution_code(code=code, kind=kind, county=county)
    _check_period(agreement_from, agreement_to)
    taken = ValidationError(
        {
            "code": ValidationError(
                _("The code %(code)s is already in use."),
                code="institution_code_taken",
                params={"code": code},
            )
        }
    )
    if DesignatedInstitution.objects.filter(code=code).exists():
        raise taken
    institution = insert_unique(
        lambda: DesignatedInstitution.objects.create(
            municipality_id=county.municipality_id,
            county=county,
            kind=kind,
            code=code,
            name=name.strip(),
            level=level,
            agreement_from=agreement_from,
            agreement_to=agreement_to,
        ),
        taken=taken,
    )
    InstitutionReview.objects.create(
        institution=institution,
        kind=InstitutionReview.Kind.ADMISSION,
        reviewed_on=admitted_on,
        result=InstitutionReview.Result.PASSED,
        notes=notes,
        reviewed_by=actor,
    )
    audit_record(
        actor=actor,
        action="settlement.institution_admit",
        instance=institution,
        municipality=county.municipality,
        county=county,
    )
    return institution


@transaction.atomic(durable=True)
def institution_review_record(
    *,
    institution: DesignatedInstitution,
    year: int,
    reviewed_on: datetime.date,
    result: str,
    notes: str,
    actor: User,
) -> InstitutionReview:
    """Record the yearly review (年度考核) of ``year``. A failed review suspends the
    institution (it can no longer be paid) and needs notes saying why; a year is reviewed
    once."""
    institution = DesignatedInstitution.objects.select_for_update().get(pk=institution.pk)
    if result == InstitutionReview.Result.FAILED and not notes.strip():
        raise ValidationError(
            {"notes": ValidationError(_("Say why the review failed."), code="notes_required")}
        )
    if institution.reviews.filter(kind=InstitutionReview.Kind.YEARLY, year=year).exists():
        raise ValidationError(
            {
                "year": ValidationError(
                    _("The yearly review of %(year)s is already recorded."),
                    code="review_exists",
                    params={"year": year},
                )
            }
        )
    before = snapshot(institution)
    review = InstitutionReview.objects.create(
        institution=institution,
        kind=InstitutionReview.Kind.YEARLY,
        year=year,
        reviewed_on=reviewed_on,
        result=result,
        notes=notes,
        reviewed_by=actor,
    )
    if (
        result == InstitutionReview.Result.FAILED
        and institution.status == DesignatedInstitution.Status.ACTIVE
    ):
        INSTITUTION_WORKFLOW.transition(institution, "suspend", actor=actor)
    audit_record(
        actor=actor,
        action="settlement.institution_review_record",
        instance=institution,
        before=before,
        after={**snapshot(institution), "review": snapshot(review)},
        municipality=institution.county.municipality,
        county=institution.county,
    )
    return review


@transaction.atomic(durable=True)
def institution_update(
    *,
    institution: DesignatedInstitution,
    name: str,
    level: str,
    agreement_from: datetime.date,
    agreement_to: datetime.date,
    status: str,
    actor: User,
) -> DesignatedInstitution:
    """Change the name, level, agreement period or status (suspend, reinstate, terminate:
    the steps of ``INSTITUTION_WORKFLOW``). A terminated agreement is not reinstated: a new
    agreement is a new admission."""
    institution = DesignatedInstitution.objects.select_for_update().get(pk=institution.pk)
    _check_period(agreement_from, agreement_to)
    step = _status_step(institution.status, status)
    before = snapshot(institution)
    institution.name = name.strip()
    institution.level = level
    institution.agreement_from = agreement_from
    institution.agreement_to = agreement_to
    institution.save(update_fields=["name", "level", "agreement_from", "agreement_to"])
    if step is not None:
        INSTITUTION_WORKFLOW.transition(institution, step, actor=actor)
    audit_record(
        actor=actor,
        action="settlement.institution_update",
        instance=institution,
        before=before,
        municipality=institution.county.municipality,
        county=institution.county,
    )
    return institution
