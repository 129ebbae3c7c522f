"""Reads of the audit log, scoped to what the user may see."""

from django.db.models import Q, QuerySet

from pooling.accounts.models import AuditEvent, Role, User
from pooling.core.access import scope_queryset


def audit_events_for(*, user: User) -> QuerySet[AuditEvent]:
    """Audit events of the user's municipality, plus the events of shared reference data (the
    working-day calendar) that belong to no municipality."""
    queryset = AuditEvent.objects.select_related("actor", "county")
    if getattr(user, "role", None) in (None, "", Role.COUNTY_OFFICER):
        return scope_queryset(queryset, user, county_field="county")
    if user.municipality_id is None:
        return scope_queryset(queryset, user)
    return queryset.filter(Q(municipality=user.municipality_id) | Q(municipality__isnull=True))
