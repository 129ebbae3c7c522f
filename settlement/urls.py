"""Pages of the settlement app (namespace ``settlement``)."""

from django.urls import path

from settlement import views

app_name = "settlement"

urlpatterns = [
    path("cycles/", views.CycleListView.as_view(), name="cycle_list"),
    path("cycles/start/", views.CycleStartView.as_view(), name="cycle_start"),
    path("cycles/<int:pk>/", views.CycleDetailView.as_view(), name="cycle_detail"),
    path("cycles/<int:pk>/progress/", views.CycleProgressView.as_view(), name="cycle_progress"),
    path("steps/<int:pk>/rerun/", views.CycleStepRerunView.as_view(), name="step_rerun"),
    path("remittances/", views.RemittanceListView.as_view(), name="remittance_list"),
    path("schedule/", views.ScheduleView.as_view(), name="schedule"),
]
