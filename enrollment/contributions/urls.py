"""Routes of contributions: pages (``urlpatterns``, in the app's namespace) and API
(``api_urlpatterns``, under /api/)."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from enrollment.contributions import api, views

urlpatterns = [
    path(
        "employers/<int:pk>/payroll/",
        views.EmployerPayrollView.as_view(),
        name="employer_payroll",
    ),
    path(
        "people/<int:pk>/base/",
        views.ContributionBaseView.as_view(),
        name="person_base",
    ),
    path("bases/", views.BaseListView.as_view(), name="base_list"),
    path("bases/upload/", views.BaseUploadView.as_view(), name="base_upload"),
    path("rules/", views.ContributionRulesView.as_view(), name="contribution_rules"),
    path("assessments/", views.AssessmentListView.as_view(), name="assessment_list"),
    path("assessments/run/", views.AssessmentRunView.as_view(), name="assessment_run"),
    path("top-ups/", views.TopUpView.as_view(), name="top_up"),
]


router = SimpleRouter()
router.register("contribution-bases", api.ContributionBaseViewSet, basename="contribution-base")
router.register("assessments", api.AssessmentViewSet, basename="assessment")


api_urlpatterns = [
    path("top-ups/quote/", api.TopUpView.as_view(), name="top-up-quote"),
    *router.urls,
]
