"""Reads of the notifications: a user's own."""

from django.db.models import QuerySet

from pooling.accounts.models import User
from settlement.notifications.models import Notification


def notifications_for(*, user: User) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=user)
