"""Template context of the settlement app: the unread notification count for the header.

Enabled in ``TEMPLATES[0]["OPTIONS"]["context_processors"]`` as
``"settlement.notifications.context_processors.notifications"``. The count is a callable,
so the query runs only on pages whose template shows it.
"""

from functools import partial

from pooling.accounts.models import User
from pooling.core.access import has_capability
from settlement.notifications.selectors import notifications_for


def unread_notification_count(*, user: User) -> int:
    return notifications_for(user=user).filter(read_at__isnull=True).count()


def notifications(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not has_capability(user, "settlement.view_plans"):
        return {"unread_notifications": 0}
    return {"unread_notifications": partial(unread_notification_count, user=user)}
