"""Writes to the pooling structure. Each service owns its transaction and records an audit
event; views, the API, admin actions and commands call these and nothing else."""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from pooling.accounts.models import User
from pooling.core.audit import audit_record, snapshot
from pooling.rules.catalogue import RULES
from pooling.rules.models import PolicyRule
from pooling.structure.models import County, Municipality
from pooling.structure.services import _ONE_DAY, _overlapping


@transaction.atomic
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
    if effective_to is not None and effective_to < effective_from:
        raise ValidationError({"effective_to": _("The end date is before the start date.")})
    if county is not None and county.municipality_id != municipality.pk:
        raise ValidationError({"county": _("The county belongs to another municipality.")})
    versions = (
        PolicyRule.objects.filter(municipality=municipality, key=key, county=county)
        .order_by("pk")
        .select_for_update()
    )
    # Lock every version of this rule and scope, in a fixed order, before deciding.
    list(versions)
    superseded = versions.filter(
        effective_to__isnull=True, effective_from__lt=effective_from
    ).first()
    conflicts = _overlapping(versions, effective_from, effective_to)
    if superseded is not None:
        conflicts = conflicts.exclude(pk=superseded.pk)
    conflict = conflicts.order_by("effective_from").first()
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
        before = snapshot(superseded)
        superseded.effective_to = effective_from - _ONE_DAY
        superseded.save(update_fields=["effective_to"])
        audit_record(
            actor=actor,
            action="rule.close",
            instance=superseded,
            before=before,
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
