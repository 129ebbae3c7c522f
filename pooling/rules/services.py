"""Writes to the dated rule values: a rule changes by a new version from a date, never by an
edit. The service owns its transaction and records an audit event."""

import datetime
from decimal import Decimal
from operator import attrgetter

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from pooling.accounts.models import User
from pooling.core.audit import audit_record, audited_update
from pooling.core.periods import ONE_DAY, overlaps
from pooling.rules.catalogue import RULES
from pooling.rules.models import PolicyRule
from pooling.rules.selectors import county_version_applies
from pooling.structure.models import County, Municipality


@transaction.atomic(durable=True)
def policy_rule_add_version(
    *,
    municipality: Municipality,
    key: str,
    value: Decimal,
    effective_from: datetime.date,
    actor: User | None,
    county: County | None = None,
    effective_to: datetime.date | None = None,
    note: str = "",
) -> PolicyRule:
    """Add a dated version of a rule value.

    The open-ended version in force before ``effective_from`` is closed on the day before (a
    rule change is a new version, never an edit). Any other overlap with a version of the same
    rule and scope is refused with a clear error; on PostgreSQL an exclusion constraint backs
    this up.
    """
    if key not in RULES:
        raise ValidationError({"key": _("Unknown rule “%(key)s”.") % {"key": key}})
    if not RULES[key].applies_to(municipality.slug):
        raise ValidationError(
            {
                "key": _(
                    "The rule “%(key)s” belongs to another city's funds; this city's documents "
                    "do not use it, so a version here would be ignored."
                )
                % {"key": key}
            }
        )
    if effective_to is not None and effective_to < effective_from:
        raise ValidationError({"effective_to": _("The end date is before the start date.")})
    if county is not None and county.municipality_id != municipality.pk:
        raise ValidationError({"county": _("The county belongs to another municipality.")})
    if county is not None:
        _county_version_check(municipality, county, key, effective_from, effective_to)
    # Lock every version of this rule and scope, in a fixed order, and decide on them.
    versions = list(
        PolicyRule.objects.filter(municipality=municipality, key=key, county=county)
        .order_by("pk")
        .select_for_update()
    )
    superseded = _superseded_version(versions, effective_from, effective_to)
    if superseded is not None:
        audited_update(
            superseded,
            {"effective_to": effective_from - ONE_DAY},
            actor=actor,
            action="rule.close",
            municipality=municipality,
            county=county,
        )
    version = PolicyRule.objects.create(
        municipality=municipality,
        county=county,
        key=key,
        value=value,
        effective_from=effective_from,
        effective_to=effective_to,
        note=note,
        created_by=actor if actor is not None and actor.pk else None,
    )
    audit_record(
        actor=actor, action="rule.add", instance=version, municipality=municipality, county=county
    )
    return version


def _county_version_check(
    municipality: Municipality,
    county: County,
    key: str,
    effective_from: datetime.date,
    effective_to: datetime.date | None,
) -> None:
    """Refuse a county version the product would ignore: any part of it from the county's
    accession on, unless a document keeps the county's value (``county_version_applies``;
    N 三(三)). Checked on the first day after accession the version covers."""
    joined = county.accession_date
    if joined is None or (effective_to is not None and effective_to < joined):
        return
    first_day = max(effective_from, joined)
    if county_version_applies(municipality=municipality, county=county, key=key, on=first_day):
        return
    params = {"county": county.name, "date": joined.isoformat(), "day": first_day.isoformat()}
    if RULES[key].former_rules_exception:
        message = _(
            "%(county)s joined the city pool on %(date)s; from then on the municipal value "
            "applies, so a county version from %(day)s would be ignored. Only a county whose "
            "employee fund ran a deficit before the end of 2019 keeps its former benefit "
            "rules (N 三(三)): record that first with the county's “former benefit rules "
            "kept” rule."
        )
    else:
        message = _(
            "%(county)s joined the city pool on %(date)s; from then on the municipal value "
            "applies (J 二), so a county version from %(day)s would be ignored. End it before "
            "%(date)s or change the municipal value."
        )
    raise ValidationError({"county": message % params})


def _superseded_version(
    versions: list[PolicyRule], effective_from: datetime.date, effective_to: datetime.date | None
) -> PolicyRule | None:
    """Of the locked ``versions`` of one rule and scope, the open-ended one that a version from
    ``effective_from`` closes; any other overlap is refused, naming the earliest version met."""
    superseded = next(
        (
            version
            for version in versions
            if version.effective_to is None and version.effective_from < effective_from
        ),
        None,
    )
    conflict = min(
        (
            version
            for version in versions
            if version is not superseded and overlaps(version, effective_from, effective_to)
        ),
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
    return superseded
