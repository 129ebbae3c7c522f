"""The audit trail: every business write service records one event through ``audit_record``."""

import datetime
import uuid
from decimal import Decimal
from typing import Any

from django.db import models
from django.db.models.fields.files import FieldFile
from django.forms.models import model_to_dict

from pooling.accounts.models import AuditEvent, User
from pooling.structure.models import County, Municipality


def _json_value(value: Any) -> Any:
    if isinstance(value, Decimal | datetime.date | datetime.datetime | uuid.UUID):
        return str(value) if not isinstance(value, datetime.date) else value.isoformat()
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, FieldFile):
        return value.name or None
    if isinstance(value, list | tuple):
        return [_json_value(item) for item in value]
    return value


def snapshot(instance: models.Model | None, *, exclude: tuple[str, ...] = ()) -> dict | None:
    """A JSON-safe dict of a model's fields, for an audit event's before or after."""
    if instance is None:
        return None
    data = model_to_dict(instance, exclude=["password", *exclude])
    return {key: _json_value(value) for key, value in data.items()}


def audit_record(
    *,
    actor: User | None,
    action: str,
    instance: models.Model,
    before: dict | None = None,
    after: dict | None = None,
    municipality: Municipality | None = None,
    county: County | None = None,
) -> AuditEvent:
    """Record a business write. Call it inside the service's transaction, so the event and the
    change commit or roll back together."""
    return AuditEvent.objects.create(
        actor=actor if actor is not None and actor.pk else None,
        action=action,
        object_type=instance._meta.label_lower,
        object_id=str(instance.pk),
        object_repr=str(instance)[:200],
        municipality=municipality,
        county=county,
        before=before,
        after=after if after is not None else snapshot(instance),
    )


def audited_update(
    instance: models.Model,
    changes: dict[str, Any],
    *,
    actor: User | None,
    action: str,
    municipality: Municipality | None = None,
    county: County | None = None,
) -> AuditEvent:
    """Set ``changes`` (field → value) on ``instance``, UPDATE those columns only, and record
    the event with the state before. Call it inside the service's transaction."""
    before = snapshot(instance)
    for name, value in changes.items():
        setattr(instance, name, value)
    instance.save(update_fields=list(changes))
    return audit_record(
        actor=actor,
        action=action,
        instance=instance,
        before=before,
        municipality=municipality,
        county=county,
    )
