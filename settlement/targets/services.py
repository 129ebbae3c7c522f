"""The writes of the targets: the city sets (or changes) a county's four targets of a year
(Z 四(八)); ``settlement.targets.selectors`` assesses them at year end."""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from pooling.accounts.models import Role, User
from pooling.core.audit import audit_record, snapshot
from pooling.core.money import round_money
from pooling.structure.models import County
from settlement.targets.models import CountyTarget


@transaction.atomic(durable=True)
def county_target_set(
    *,
    county: County,
    year: int,
    enrollment_target: int,
    collection_target: Decimal,
    revenue_plan: Decimal,
    expenditure_plan: Decimal,
    actor: User,
) -> CountyTarget:
    """Set (or change) ``county``'s targets for ``year`` (Z 四(八): the city sets them each
    year). City roles set targets for their own municipality only; the unit must be a member
    during the year. Amounts are rounded half-up to the fen; all four must be positive."""
    errors: dict[str, str] = {}
    if actor.municipality_id != county.municipality_id or actor.role == Role.COUNTY_OFFICER:
        raise ValidationError({"county": _("You may not set targets for this county.")})
    first, last = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    if county.member_from > last or (county.member_to is not None and county.member_to < first):
        errors["county"] = _("%(county)s is not a member of the pool in %(year)s.") % {
            "county": county.name,
            "year": year,
        }
    if enrollment_target is None or enrollment_target <= 0:
        errors["enrollment_target"] = _("The enrollment target must be at least one person.")
    amounts = {
        "collection_target": collection_target,
        "revenue_plan": revenue_plan,
        "expenditure_plan": expenditure_plan,
    }
    for name, value in amounts.items():
        if value is None or round_money(value) <= 0:
            errors[name] = _("Enter an amount above zero.")
    if errors:
        raise ValidationError(errors)
    existing = CountyTarget.objects.select_for_update().filter(county=county, year=year).first()
    before = snapshot(existing)
    target, _created = CountyTarget.objects.update_or_create(
        county=county,
        year=year,
        defaults={
            "municipality_id": county.municipality_id,
            "enrollment_target": enrollment_target,
            "collection_target": round_money(collection_target),
            "revenue_plan": round_money(revenue_plan),
            "expenditure_plan": round_money(expenditure_plan),
            "set_by": actor,
        },
    )
    audit_record(
        actor=actor,
        action="settlement.county_target_set",
        instance=target,
        before=before,
        municipality=county.municipality,
        county=county,
    )
    return target
