"""Routes of risk: pages (``urlpatterns``, in the app's namespace) and API
(``api_urlpatterns``, under /api/)."""

from django.urls import path

from settlement.risk import api, views

urlpatterns = [
    path("risk/", views.RiskDashboardView.as_view(), name="risk_dashboard"),
]


api_urlpatterns = [
    path("risk/", api.RiskAPIView.as_view(), name="risk"),
]
