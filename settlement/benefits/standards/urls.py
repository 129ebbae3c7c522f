"""Routes of the benefit standards: pages and API."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from settlement.benefits.standards import api, views

urlpatterns = [
    path(
        "benefits/standards/",
        views.BenefitStandardListView.as_view(),
        name="benefit_standard_list",
    ),
    path(
        "benefits/standards/add/",
        views.BenefitStandardAddView.as_view(),
        name="benefit_standard_add",
    ),
]

router = SimpleRouter()
router.register("benefit-standards", api.BenefitStandardViewSet, basename="benefit-standard")
api_urlpatterns = router.urls
