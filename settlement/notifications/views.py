"""Pages of the notifications: a user's list with the unread count, and marking one or all
of them read."""

from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views import View
from django.views.generic import ListView

from pooling.core.views import CapabilityRequiredMixin
from settlement.notifications import selectors
from settlement.notifications.context_processors import unread_notification_count
from settlement.notifications.services import notifications_mark_read


class NotificationListView(CapabilityRequiredMixin, ListView):
    capability = "settlement.view_plans"
    template_name = "settlement/notifications/notification_list.html"
    paginate_by = 50

    def get_queryset(self):
        return selectors.notifications_for(user=self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["unread_count"] = unread_notification_count(user=self.request.user)
        return context


class NotificationMarkReadView(CapabilityRequiredMixin, View):
    """Mark one notification (``pk``) or all of the user's notifications as read. Whether a
    message was read is the recipient's own state, not business data, so reading it is the
    only capability needed; another user's notification is a 404."""

    capability = write_capability = "settlement.view_plans"

    def post(self, request, pk: int | None = None):
        ids = None
        if pk is not None:
            notification = get_object_or_404(selectors.notifications_for(user=request.user), pk=pk)
            ids = [notification.pk]
        notifications_mark_read(user=request.user, ids=ids)
        return HttpResponseRedirect(reverse("settlement:notification_list"))
