"""Routes of workdays: pages (``urlpatterns``, in the app's namespace) and API
(``api_urlpatterns``, under /api/)."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from pooling.workdays import api, views

urlpatterns = [
    path("calendar/", views.CalendarView.as_view(), name="calendar"),
    path(
        "calendar/<int:pk>/delete/",
        views.CalendarOverrideDeleteView.as_view(),
        name="calendar_override_delete",
    ),
]


router = SimpleRouter()
router.register("calendar-overrides", api.CalendarOverrideViewSet, basename="calendar-override")


api_urlpatterns = [
    *router.urls,
]
