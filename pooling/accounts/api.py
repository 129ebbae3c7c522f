"""REST API of the accounts: the token endpoint (throttled like every login) and the audit log
with the same capability and scoping as its page."""

from rest_framework import viewsets
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.exceptions import Throttled, ValidationError

from pooling.accounts import login_throttle, selectors
from pooling.accounts.filters import AuditEventFilter
from pooling.accounts.serializers import AuditEventSerializer


class AuditEventViewSet(viewsets.ReadOnlyModelViewSet):
    read_capability = "pooling.view_audit"
    serializer_class = AuditEventSerializer
    filterset_class = AuditEventFilter

    def get_queryset(self):
        return selectors.audit_events_for(user=self.request.user)


class ObtainAuthTokenView(ObtainAuthToken):
    """``POST /api/auth/token/``: username and password give the user's token. django-axes
    counts its failures with the login page's and the admin's (``login_throttle``); a locked
    username and address answers 429 with the lockout message."""

    def post(self, request, *args, **kwargs):
        try:
            return super().post(request, *args, **kwargs)
        except ValidationError:
            if getattr(request, "axes_locked_out", False):
                raise Throttled(detail=login_throttle.locked_message()) from None
            raise


obtain_auth_token = ObtainAuthTokenView.as_view()
