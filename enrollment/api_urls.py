"""API routes of the enrollment app."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from enrollment import api, care_api, institution_api

router = SimpleRouter()
router.register("employers", api.EmployerViewSet, basename="employer")
router.register("people", api.PersonViewSet, basename="person")
router.register("episodes", api.EpisodeViewSet, basename="episode")
router.register("contribution-bases", api.ContributionBaseViewSet, basename="contribution-base")
router.register("assessments", api.AssessmentViewSet, basename="assessment")
router.register("collections", api.CollectionBatchViewSet, basename="collection")
router.register(
    "designated-institutions", institution_api.InstitutionViewSet, basename="institution"
)
router.register(
    "disease-applications", care_api.DiseaseApplicationViewSet, basename="disease-application"
)
router.register(
    "out-of-area-filings", care_api.OutOfAreaFilingViewSet, basename="out-of-area-filing"
)

urlpatterns = [
    path("top-ups/quote/", api.TopUpView.as_view(), name="top-up-quote"),
    *router.urls,
]
