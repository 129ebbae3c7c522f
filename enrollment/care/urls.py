"""Routes of care: pages (``urlpatterns``, in the app's namespace) and API
(``api_urlpatterns``, under /api/)."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from enrollment.care import api, views

urlpatterns = [
    path("diseases/", views.DiseaseApplicationListView.as_view(), name="disease_list"),
    path("diseases/add/", views.SpecifiedDiseaseAddView.as_view(), name="disease_add"),
    path("diseases/apply/", views.DiseaseApplyView.as_view(), name="disease_apply"),
    path("diseases/<int:pk>/assess/", views.DiseaseAssessView.as_view(), name="disease_assess"),
    path("filings/", views.OutOfAreaFilingListView.as_view(), name="filing_list"),
    path("filings/new/", views.FilingCreateView.as_view(), name="filing_create"),
    path("filings/<int:pk>/decide/", views.FilingDecideView.as_view(), name="filing_decide"),
]


router = SimpleRouter()
router.register(
    "disease-applications", api.DiseaseApplicationViewSet, basename="disease-application"
)
router.register("out-of-area-filings", api.OutOfAreaFilingViewSet, basename="out-of-area-filing")


api_urlpatterns = [
    *router.urls,
]
