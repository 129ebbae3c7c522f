"""Reads of the audit log, scoped to what the user may see."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.apps import apps
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pooling.accounts.models import AuditEvent, Role, User
from pooling.core.access import scope_queryset
from pooling.core.money import round_money


def audit_events_for(*, user: User) -> QuerySet[AuditEvent]:
    """Audit events of the user's municipality, plus the events of shared reference data (the
    working-day calendar) that belong to no municipality."""
    queryset = AuditEvent.objects.select_related("actor", "county")
    if getattr(user, "role", None) in (None, "", Role.COUNTY_OFFICER):
        return scope_queryset(queryset, user, county_field="county")
    if user.municipality_id is None:
        return scope_queryset(queryset, user)
    return queryset.filter(Q(municipality=user.municipality_id) | Q(municipality__isnull=True))


# Keys that services record beside a model's fields (``audit_record(after={...})``).
AUDIT_KEY_LABELS = {
    "key": gettext_lazy("idempotency key"),
    "fund": gettext_lazy("fund"),
    "postings": gettext_lazy("postings"),
    "entry": gettext_lazy("ledger entry"),
    "lines": gettext_lazy("budget lines"),
    "added": gettext_lazy("added"),
    "created": gettext_lazy("created"),
    "missing_base": gettext_lazy("insured without a contribution base"),
}


@dataclass(frozen=True)
class AuditChange:
    """One field of an audit event as a reader sees it: its label, the value before, after."""

    label: str
    before: str
    after: str
    # A service's own summary key, not a field of the model: its values are shown as codes.
    is_code: bool = False


@dataclass
class _Labeller:
    """Turns stored snapshot values into what a clerk reads: a choice's label, a related
    object's name instead of its id, 是/否 for booleans, amounts as money. Related objects are
    read once per page (``cache``)."""

    cache: dict[tuple[type[models.Model], object], str] = field(default_factory=dict)

    def value(self, model_field: models.Field | None, value: object) -> str:
        if value is None or value == "":
            return "—"
        if isinstance(value, bool):
            return str(_("yes") if value else _("no"))
        if isinstance(value, dict):
            return "；".join(f"{key}: {self.value(None, item)}" for key, item in value.items())
        if model_field is None:
            if isinstance(value, list):
                return "、".join(self.value(None, item) for item in value)
            return str(value)
        if (
            model_field.is_relation
            and model_field.related_model is not None
            and isinstance(value, int | str | list)
        ):
            return self._related(model_field.related_model, value)
        if model_field.choices:
            return str(dict(model_field.flatchoices).get(value, value))
        if isinstance(model_field, models.DateTimeField) and isinstance(value, str):
            moment = parse_datetime(value)
            return f"{timezone.localtime(moment):%Y-%m-%d %H:%M}" if moment else value
        if isinstance(model_field, models.DecimalField):
            try:
                number = Decimal(str(value))
            except (InvalidOperation, ValueError):
                return str(value)
            if model_field.decimal_places == 2:
                return f"{round_money(number):,.2f}"
            return f"{number.normalize():,f}"
        if isinstance(value, list):
            return "、".join(self.value(None, item) for item in value)
        return str(value)

    def _related(self, model: type[models.Model], value: object) -> str:
        if isinstance(value, list):
            return "、".join(
                self._related(model, item) for item in value if not isinstance(item, list | dict)
            )
        key = (model, value)
        if key not in self.cache:
            try:
                instance = model._default_manager.filter(pk=value).first()
            except (ValueError, TypeError, DjangoValidationError):
                # Not an id: a service's own summary that reuses a field's name.
                instance = value
            self.cache[key] = str(instance) if instance is not None else f"#{value}"
        return self.cache[key]


def audit_object_label(event: AuditEvent) -> str:
    """The kind of object an event changed, in the reader's language (the model's name)."""
    try:
        return str(apps.get_model(event.object_type)._meta.verbose_name)
    except (LookupError, ValueError):
        return event.object_type


def audit_changes(events: Iterable[AuditEvent]) -> dict[int, list[AuditChange]]:
    """For each event, the fields that changed (every field when the object was created or
    deleted), labelled with the model's field names and values a reader understands — never
    Python's ``None``/``False`` or a bare id."""
    labeller = _Labeller()
    changes: dict[int, list[AuditChange]] = {}
    for event in events:
        try:
            meta = apps.get_model(event.object_type)._meta
            fields = {f.name: f for f in [*meta.concrete_fields, *meta.many_to_many]}
        except (LookupError, ValueError):
            fields = {}
        before = event.before if isinstance(event.before, dict) else {}
        after = event.after if isinstance(event.after, dict) else {}
        rows = []
        for name in list(dict.fromkeys([*before, *after])):
            if name == "id" or (name in before and name in after and before[name] == after[name]):
                continue
            model_field = fields.get(name)
            label = getattr(model_field, "verbose_name", None) or AUDIT_KEY_LABELS.get(name, name)
            rows.append(
                AuditChange(
                    label=str(label),
                    is_code=model_field is None or isinstance(model_field, models.JSONField),
                    before=labeller.value(model_field, before.get(name)) if before else "",
                    after=labeller.value(model_field, after.get(name)) if after else "",
                )
            )
        changes[event.pk] = rows
    return changes
