"""Routes of institutions: pages (``urlpatterns``, in the app's namespace) and API
(``api_urlpatterns``, under /api/)."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from settlement.institutions import api, views

urlpatterns = [
    path(
        "institutions/",
        views.InstitutionListView.as_view(),
        name="institution_list",
    ),
    path(
        "institutions/admit/",
        views.InstitutionAdmitView.as_view(),
        name="institution_admit",
    ),
    path(
        "institutions/<int:pk>/",
        views.InstitutionDetailView.as_view(),
        name="institution_detail",
    ),
    path(
        "institutions/<int:pk>/edit/",
        views.InstitutionUpdateView.as_view(),
        name="institution_update",
    ),
    path(
        "institutions/<int:pk>/review/",
        views.InstitutionReviewView.as_view(),
        name="institution_review",
    ),
]


router = SimpleRouter()
router.register("designated-institutions", api.InstitutionViewSet, basename="institution")


api_urlpatterns = [
    *router.urls,
]
