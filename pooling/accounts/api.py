"""REST API of the audit log: the same capability and scoping as its page."""

from rest_framework import viewsets

from pooling.accounts import selectors
from pooling.accounts.filters import AuditEventFilter
from pooling.accounts.serializers import AuditEventSerializer


class AuditEventViewSet(viewsets.ReadOnlyModelViewSet):
    read_capability = "pooling.view_audit"
    serializer_class = AuditEventSerializer
    filterset_class = AuditEventFilter

    def get_queryset(self):
        return selectors.audit_events_for(user=self.request.user)
