"""The audit log's filter, shared by its page and the API."""

import django_filters
from django.utils.translation import gettext_lazy as _

from pooling.accounts.models import AuditEvent
from pooling.core.filters import ScopedFilterSet


class AuditEventFilter(ScopedFilterSet):
    action = django_filters.CharFilter(lookup_expr="startswith", label=_("Action"))
    object_type = django_filters.CharFilter(label=_("Object type"))
    actor = django_filters.CharFilter(field_name="actor__username", label=_("User"))
    since = django_filters.DateFilter(field_name="at", lookup_expr="date__gte", label=_("From"))
    until = django_filters.DateFilter(field_name="at", lookup_expr="date__lte", label=_("To"))

    class Meta:
        model = AuditEvent
        fields = ["action", "object_type", "actor", "county", "since", "until"]
