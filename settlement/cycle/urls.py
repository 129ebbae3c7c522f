"""Routes of cycle: pages (``urlpatterns``, in the app's namespace) and API
(``api_urlpatterns``, under /api/)."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from settlement.cycle import api, views

urlpatterns = [
    path("cycles/", views.CycleListView.as_view(), name="cycle_list"),
    path("cycles/start/", views.CycleStartView.as_view(), name="cycle_start"),
    path("cycles/<int:pk>/", views.CycleDetailView.as_view(), name="cycle_detail"),
    path("cycles/<int:pk>/progress/", views.CycleProgressView.as_view(), name="cycle_progress"),
    path("steps/<int:pk>/rerun/", views.CycleStepRerunView.as_view(), name="step_rerun"),
    path("remittances/", views.RemittanceListView.as_view(), name="remittance_list"),
    path("schedule/", views.ScheduleView.as_view(), name="schedule"),
]


router = SimpleRouter()
router.register("cycles", api.MonthlyCycleViewSet, basename="cycle")
router.register("remittances", api.RemittanceLineViewSet, basename="remittance")


api_urlpatterns = [
    *router.urls,
]
