"""Routes of notifications: its pages, in the app's namespace."""

from django.urls import path

from settlement.notifications import views

urlpatterns = [
    path(
        "notifications/",
        views.NotificationListView.as_view(),
        name="notification_list",
    ),
    path(
        "notifications/read/",
        views.NotificationMarkReadView.as_view(),
        name="notifications_mark_read",
    ),
    path(
        "notifications/<int:pk>/read/",
        views.NotificationMarkReadView.as_view(),
        name="notification_mark_read",
    ),
]
