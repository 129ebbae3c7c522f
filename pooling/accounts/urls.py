"""Routes of accounts: pages (``urlpatterns``, in the app's namespace) and API
(``api_urlpatterns``, under /api/)."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from pooling.accounts import api, views

urlpatterns = [
    path("audit/", views.AuditListView.as_view(), name="audit_list"),
]


router = SimpleRouter()
router.register("audit-events", api.AuditEventViewSet, basename="audit-event")


api_urlpatterns = [
    *router.urls,
]
