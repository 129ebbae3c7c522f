"""Pages of the pooling structure. Thin: scope with selectors, write with services."""

import csv

from django.contrib.auth import views as auth_views
from django.http import StreamingHttpResponse
from django_filters.views import FilterView

from pooling.accounts import selectors
from pooling.accounts.filters import AuditEventFilter
from pooling.accounts.forms import ThrottledAuthenticationForm
from pooling.core.views import CapabilityRequiredMixin


class LoginView(auth_views.LoginView):
    form_class = ThrottledAuthenticationForm
    redirect_authenticated_user = True


class AuditListView(CapabilityRequiredMixin, FilterView):
    capability = "pooling.view_audit"
    filterset_class = AuditEventFilter
    template_name = "pooling/accounts/audit_list.html"
    paginate_by = 100

    def get_queryset(self):
        return selectors.audit_events_for(user=self.request.user)

    def render_to_response(self, context, **kwargs):
        if self.request.GET.get("export") == "csv":
            return _audit_csv(self.filterset.qs)
        return super().render_to_response(context, **kwargs)


class _Echo:
    def write(self, value):
        return value


def _audit_csv(queryset) -> StreamingHttpResponse:
    writer = csv.writer(_Echo())
    header = ["at", "actor", "action", "object_type", "object_id", "object", "before", "after"]

    def rows():
        yield writer.writerow(header)
        for event in queryset.iterator(chunk_size=2000):
            yield writer.writerow(
                [
                    event.at.isoformat(),
                    event.actor.username if event.actor else "",
                    event.action,
                    event.object_type,
                    event.object_id,
                    event.object_repr,
                    event.before,
                    event.after,
                ]
            )

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="audit-log.csv"'
    return response
