"""Pages of the accounts: login (throttled) and the audit log with its CSV export."""

from django.contrib.auth import views as auth_views
from django_filters.views import FilterView

from pooling.accounts import selectors
from pooling.accounts.filters import AuditEventFilter
from pooling.accounts.forms import ThrottledAuthenticationForm
from pooling.core.exports import ROW_CHUNK, csv_response
from pooling.core.views import CapabilityRequiredMixin, SortableListMixin

AUDIT_CSV_HEADER = [
    "at",
    "actor",
    "action",
    "object_type",
    "object_id",
    "object",
    "before",
    "after",
]


class LoginView(auth_views.LoginView):
    form_class = ThrottledAuthenticationForm
    redirect_authenticated_user = True


class AuditListView(CapabilityRequiredMixin, SortableListMixin, FilterView):
    """The audit log; ``?export=csv`` streams every event the filter selects."""

    capability = "pooling.view_audit"
    filterset_class = AuditEventFilter
    template_name = "pooling/accounts/audit_list.html"
    paginate_by = 100
    sort_fields = {"at": "at", "actor": "actor__username", "action": "action"}

    def get_queryset(self):
        return selectors.audit_events_for(user=self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        events = list(context["object_list"])
        changes = selectors.audit_changes(events)
        context["events"] = [
            (event, selectors.audit_object_label(event), changes[event.pk]) for event in events
        ]
        return context

    def render_to_response(self, context, **kwargs):
        if self.request.GET.get("export") == "csv":
            return csv_response(
                header=AUDIT_CSV_HEADER,
                rows=(
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
                    for event in self.filterset.qs.iterator(chunk_size=ROW_CHUNK)
                ),
                filename="audit-log",
            )
        return super().render_to_response(context, **kwargs)
