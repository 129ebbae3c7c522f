"""Builders of benefit standards and claims."""

import datetime
from decimal import Decimal

from django.db.models import Sum
from django.utils import timezone

from enrollment.personal_accounts.models import PersonalAccountMovement
from settlement.benefits.claims import services
from settlement.benefits.claims.services import ClaimInput
from settlement.benefits.standards.services import benefit_standard_add_version
from settlement.institutions.services import institution_admit

D = datetime.date
FIFTH_OF_AUGUST = datetime.date(2024, 8, 5)
AUGUST = D(2024, 8, 1)


def hospital(county, actor, *, code=None, level="tertiary", kind="hospital"):
    """A hospital of ``county`` under agreement for 2024–2026."""
    return institution_admit(
        county=county,
        kind=kind,
        code=code or f"H{county.code}00009",
        name=f"{county.name}第一人民医院",
        level=level,
        agreement_from=D(2024, 1, 1),
        agreement_to=D(2026, 12, 31),
        admitted_on=D(2023, 12, 1),
        actor=actor,
    )


def standard(municipality, actor, **overrides):
    """The issue's worked example: employee in service, tertiary, inpatient, in the city:
    deductible 1,000.00 (500.00 from the second admission), 85 %, ceiling 300,000.00; above it
    the critical-illness insurance at 60 % up to 400,000.00."""
    values = {
        "scheme": "employee",
        "person_category": "in_service",
        "institution_level": "tertiary",
        "medical_type": "inpatient",
        "referral": "in_city",
        "deductible": Decimal("1000.00"),
        "deductible_repeat": Decimal("500.00"),
        "payment_ratio": Decimal("0.85"),
        "annual_ceiling": Decimal("300000.00"),
        "segment_fund": "critical_illness",
        "segment_ratio": Decimal("0.60"),
        "segment_ceiling": Decimal("400000.00"),
        "effective_from": D(2024, 1, 1),
    }
    values.update(overrides)
    return benefit_standard_add_version(municipality=municipality, actor=actor, **values)


def at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(day.year, day.month, day.day, hour))


def claim_input(
    person,
    institution,
    setl_id,
    *,
    total="30000.00",
    own="2000.00",
    over="0.00",
    pre="1000.00",
    in_policy=None,
    day=FIFTH_OF_AUGUST,
    hour=10,
    med_type="inpatient",
    referral="in_city",
    account=False,
) -> ClaimInput:
    total, own, over, pre = (Decimal(value) for value in (total, own, over, pre))
    return ClaimInput(
        institution=institution,
        person=person,
        setl_id=setl_id,
        med_type=med_type,
        referral=referral,
        begndate=day,
        setl_time=at(day, hour),
        medfee_sumamt=total,
        fulamt_ownpay_amt=own,
        overlmt_selfpay=over,
        preselfpay_amt=pre,
        inscp_scp_amt=Decimal(in_policy) if in_policy else total - own - over - pre,
        acct_used_flag=account,
    )


def claim_enter(person, institution, setl_id, actor, **options):
    return services.claim_enter(
        claim=claim_input(person, institution, setl_id, **options), actor=actor
    )


def account_balance_set(person, amount: str, month=AUGUST) -> None:
    """Bring the person's personal account to ``amount`` with a correction movement."""
    current = PersonalAccountMovement.objects.filter(person=person).aggregate(total=Sum("amount"))[
        "total"
    ] or Decimal("0")
    PersonalAccountMovement.objects.create(
        person=person,
        county=person.county,
        month=month,
        amount=Decimal(amount) - current,
        reason=PersonalAccountMovement.Reason.CORRECTION,
    )
