"""Writes of the benefit standards (J 二(三), N 三(三)): a standard changes by a new dated
version, never by an edit; each city's preset writes a first version of every combination."""

import datetime
from decimal import Decimal
from operator import attrgetter

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from enrollment.people.models import Scheme
from pooling.accounts.models import User
from pooling.core.audit import audit_record, audited_update
from pooling.core.periods import ONE_DAY, overlaps
from pooling.structure.models import Municipality
from settlement.benefits.standards.models import (
    BenefitStandard,
    InstitutionLevel,
    MedicalType,
    PersonCategory,
    Referral,
    SegmentFund,
)

EMPLOYEE_CATEGORIES = (PersonCategory.IN_SERVICE, PersonCategory.RETIRED)


@transaction.atomic(durable=True)
def benefit_standard_add_version(
    *,
    municipality: Municipality,
    actor: User | None,
    scheme: str,
    person_category: str,
    institution_level: str,
    medical_type: str,
    referral: str,
    deductible: Decimal,
    payment_ratio: Decimal,
    annual_ceiling: Decimal,
    effective_from: datetime.date,
    deductible_repeat: Decimal | None = None,
    segment_fund: str = SegmentFund.NONE,
    segment_ratio: Decimal = Decimal("0"),
    segment_ceiling: Decimal = Decimal("0"),
    effective_to: datetime.date | None = None,
    demo_default: bool = False,
    note: str = "",
) -> BenefitStandard:
    """Add a dated version of one benefit standard (J 二(三) "统一…支付比例、起付标准和最高支付
    限额"). The open-ended version in force before ``effective_from`` is closed on the day
    before; any other overlap is refused naming the version met."""
    return _add_version(
        municipality=municipality,
        actor=actor,
        values={
            "scheme": scheme,
            "person_category": person_category,
            "institution_level": institution_level,
            "medical_type": medical_type,
            "referral": referral,
            "deductible": deductible,
            "deductible_repeat": deductible_repeat,
            "payment_ratio": payment_ratio,
            "annual_ceiling": annual_ceiling,
            "segment_fund": segment_fund,
            "segment_ratio": segment_ratio,
            "segment_ceiling": segment_ceiling,
            "effective_from": effective_from,
            "effective_to": effective_to,
            "demo_default": demo_default,
            "note": note,
        },
    )


def _add_version(*, municipality: Municipality, actor: User | None, values: dict):
    _check_values(values)
    combination = {name: values[name] for name in BenefitStandard.COMBINATION}
    versions = list(
        BenefitStandard.objects.filter(municipality=municipality, **combination)
        .order_by("pk")
        .select_for_update()
    )
    start, end = values["effective_from"], values["effective_to"]
    superseded = next(
        (v for v in versions if v.effective_to is None and v.effective_from < start), None
    )
    conflict = min(
        (v for v in versions if v is not superseded and overlaps(v, start, end)),
        key=attrgetter("effective_from"),
        default=None,
    )
    if conflict is not None:
        raise ValidationError(
            {
                "effective_from": _(
                    "This period overlaps the version in force from %(start)s to %(end)s."
                )
                % {
                    "start": conflict.effective_from.isoformat(),
                    "end": conflict.effective_to.isoformat() if conflict.effective_to else "—",
                }
            }
        )
    if superseded is not None:
        audited_update(
            superseded,
            {"effective_to": start - ONE_DAY},
            actor=actor,
            action="benefit_standard.close",
            municipality=municipality,
        )
    standard = BenefitStandard.objects.create(
        municipality=municipality,
        created_by=actor if actor is not None and actor.pk else None,
        **values,
    )
    audit_record(
        actor=actor, action="benefit_standard.add", instance=standard, municipality=municipality
    )
    return standard


def _check_values(values: dict) -> None:
    errors = {}
    for name in ("payment_ratio", "segment_ratio"):
        if not Decimal("0") <= values[name] <= Decimal("1"):
            errors[name] = _("A ratio lies between 0 and 1 (0.85 is 85 %).")
    for name in ("deductible", "deductible_repeat", "annual_ceiling", "segment_ceiling"):
        if values[name] is not None and values[name] < 0:
            errors[name] = _("An amount cannot be negative.")
    if values["effective_to"] is not None and values["effective_to"] < values["effective_from"]:
        errors["effective_to"] = _("The end date is before the start date.")
    if values["segment_fund"] == SegmentFund.NONE and values["segment_ratio"]:
        errors["segment_ratio"] = _("Choose the fund that pays above the ceiling.")
    if errors:
        raise ValidationError(errors)


# Preset values. The policy documents name the standards but give no figures (DOMAIN §15), so
# every preset version is a demo default, marked ``demo_default``: the bureau replaces them
# with its own through the standards pages. Jinan's employees have the large-expense relief
# fund above the ceiling (J 二(三)1); elsewhere the critical-illness insurance pays there.
_DEDUCTIBLE = {
    InstitutionLevel.PRIMARY: Decimal("300.00"),
    InstitutionLevel.SECONDARY: Decimal("600.00"),
    InstitutionLevel.TERTIARY: Decimal("1000.00"),
}
_INPATIENT_RATIO = {
    InstitutionLevel.PRIMARY: Decimal("0.90"),
    InstitutionLevel.SECONDARY: Decimal("0.88"),
    InstitutionLevel.TERTIARY: Decimal("0.85"),
}
_RETIREE_UPLIFT = Decimal("0.05")
_REFERRAL_CUT = {
    Referral.IN_CITY: Decimal("0"),
    Referral.REFERRED_OUT: Decimal("0.05"),
    Referral.NOT_REFERRED: Decimal("0.15"),
}
_OUTPATIENT_RATIO = {
    MedicalType.SPECIFIED_DISEASE: Decimal("0.85"),
    MedicalType.GENERAL_OUTPATIENT: Decimal("0.50"),
    MedicalType.MATERNITY: Decimal("1.00"),
}
EMPLOYEE_ANNUAL_CEILING = Decimal("300000.00")
SEGMENT_CEILING = Decimal("400000.00")


def preset_values(city_slug: str) -> list[dict]:
    """The preset employee-scheme standards of a city: every category, level, medical type
    and referral, inpatient deductibles halved from the second admission."""
    segment_fund = (
        SegmentFund.LARGE_EXPENSE if city_slug == "jinan" else SegmentFund.CRITICAL_ILLNESS
    )
    segment_ratio = Decimal("0.90") if city_slug == "jinan" else Decimal("0.60")
    rows = []
    for category in EMPLOYEE_CATEGORIES:
        uplift = _RETIREE_UPLIFT if category == PersonCategory.RETIRED else Decimal("0")
        for level in InstitutionLevel.values:
            for medical_type in MedicalType.values:
                for referral in Referral.values:
                    if medical_type == MedicalType.INPATIENT:
                        ratio = _INPATIENT_RATIO[level]
                        deductible = _DEDUCTIBLE[level]
                        repeat = (deductible / 2).quantize(Decimal("0.01"))
                    else:
                        ratio = _OUTPATIENT_RATIO[medical_type]
                        deductible, repeat = Decimal("0.00"), None
                    ratio = min(Decimal("1"), ratio + uplift) - _REFERRAL_CUT[referral]
                    rows.append(
                        {
                            "scheme": Scheme.EMPLOYEE,
                            "person_category": category,
                            "institution_level": level,
                            "medical_type": medical_type,
                            "referral": referral,
                            "deductible": deductible,
                            "deductible_repeat": repeat,
                            "payment_ratio": ratio,
                            "annual_ceiling": EMPLOYEE_ANNUAL_CEILING,
                            "segment_fund": segment_fund,
                            "segment_ratio": segment_ratio,
                            "segment_ceiling": SEGMENT_CEILING,
                        }
                    )
    return rows


@transaction.atomic(durable=True)
def benefit_standards_preset(
    *, municipality: Municipality, effective_from: datetime.date, actor: User | None
) -> int:
    """Write the city's preset standards from ``effective_from`` where a combination has no
    version yet (idempotent: a second run adds nothing). Returns how many were added."""
    existing = set(
        BenefitStandard.objects.filter(municipality=municipality).values_list(
            *BenefitStandard.COMBINATION
        )
    )
    new = [
        BenefitStandard(
            municipality=municipality,
            effective_from=effective_from,
            demo_default=True,
            note=_("Demo default: the policy documents give no figure."),
            **values,
        )
        for values in preset_values(municipality.slug)
        if tuple(values[name] for name in BenefitStandard.COMBINATION) not in existing
    ]
    BenefitStandard.objects.bulk_create(new)
    if new:
        audit_record(
            actor=actor,
            action="benefit_standard.preset",
            instance=municipality,
            after={"added": len(new), "from": effective_from.isoformat()},
            municipality=municipality,
        )
    return len(new)
