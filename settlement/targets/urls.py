"""Routes of targets: pages (``urlpatterns``, in the app's namespace) and API
(``api_urlpatterns``, under /api/)."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from settlement.targets import api, views

urlpatterns = [
    path("year-end/targets/", views.TargetReportView.as_view(), name="target_report"),
    path("year-end/targets/set/", views.TargetSetView.as_view(), name="target_set"),
]


router = SimpleRouter()
router.register("targets", api.CountyTargetViewSet, basename="target")


api_urlpatterns = [
    path(
        "target-assessments/",
        api.TargetAssessmentAPIView.as_view(),
        name="target-assessments",
    ),
    *router.urls,
]
