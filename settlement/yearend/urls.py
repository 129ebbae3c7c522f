"""Routes of yearend: pages (``urlpatterns``, in the app's namespace) and API
(``api_urlpatterns``, under /api/)."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from settlement.yearend import api, views

urlpatterns = [
    path("deficits/", views.DeficitListView.as_view(), name="deficit_list"),
    path("deficits/apply/", views.DeficitApplyView.as_view(), name="deficit_apply"),
    path("deficits/<int:pk>/", views.DeficitDetailView.as_view(), name="deficit_detail"),
    path("deficits/<int:pk>/review/", views.DeficitReviewView.as_view(), name="deficit_review"),
    path("deficits/<int:pk>/approve/", views.DeficitApproveView.as_view(), name="deficit_approve"),
    path("deficits/<int:pk>/return/", views.DeficitReturnView.as_view(), name="deficit_return"),
    path("year-end/adjustment/", views.AdjustmentView.as_view(), name="adjustment_year"),
]


router = SimpleRouter()
router.register(
    "deficit-applications", api.DeficitApplicationViewSet, basename="deficit-application"
)
router.register("adjustment-years", api.AdjustmentYearViewSet, basename="adjustment-year")


api_urlpatterns = [
    *router.urls,
]
