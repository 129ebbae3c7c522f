"""Routes of the resident fund: pages and API."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from funds.residents import api, views

urlpatterns = [
    path("resident-subsidies/", views.SubsidyReportView.as_view(), name="resident_subsidies"),
    path(
        "resident-subsidies/request/",
        views.SubsidyRequestView.as_view(),
        name="resident_subsidy_request",
    ),
    path(
        "resident-subsidies/<int:pk>/receive/",
        views.SubsidyReceiveView.as_view(),
        name="resident_subsidy_receive",
    ),
    path(
        "resident-contributions/assisted/",
        views.AssistedCollectView.as_view(),
        name="resident_assisted_collect",
    ),
    path(
        "resident-contributions/collection-file/",
        views.CollectionImportView.as_view(),
        name="resident_collection_import",
    ),
]

router = SimpleRouter()
router.register("resident-subsidies", api.ResidentSubsidyViewSet, basename="resident-subsidy")
router.register(
    "resident-collection-files", api.ResidentCollectionFileViewSet, basename="resident-collection"
)

api_urlpatterns = [*router.urls]
