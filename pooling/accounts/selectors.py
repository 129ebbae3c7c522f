"""Reads of the pooling structure shared by views, the API and other apps."""

from django.db.models import Q, QuerySet

from pooling.accounts.models import AuditEvent, User
from pooling.core.access import scope_queryset


def audit_events_for(*, user: User) -> QuerySet[AuditEvent]:
    """Audit events of the user's municipality, plus the events of shared reference data (the
    working-day calendar) that belong to no municipality."""
    queryset = AuditEvent.objects.select_related("actor", "county")
    if getattr(user, "role", None) in (None, "", "county_officer"):
        return scope_queryset(queryset, user, county_field="county")
    if user.municipality_id is None:
        return scope_queryset(queryset, user)
    return queryset.filter(Q(municipality=user.municipality_id) | Q(municipality__isnull=True))
