"""Routes of historical balances and release applications: pages (``urlpatterns``, in the
app's namespace) and API (``api_urlpatterns``, under /api/)."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from funds.history import api, views

urlpatterns = [
    path("history/", views.HistoryListView.as_view(), name="history_list"),
    path("history/new/", views.HistoryRegisterView.as_view(), name="history_register"),
    path("history/<int:pk>/", views.HistoryDetailView.as_view(), name="history_detail"),
    path(
        "history/releases/<int:pk>/review/",
        views.ReleaseReviewView.as_view(),
        name="release_review",
    ),
    path(
        "history/releases/<int:pk>/approve/",
        views.ReleaseApproveView.as_view(),
        name="release_approve",
    ),
    path(
        "history/releases/<int:pk>/return/",
        views.ReleaseReturnView.as_view(),
        name="release_return",
    ),
]


router = SimpleRouter()
router.register("historical-balances", api.HistoricalBalanceViewSet, basename="historical-balance")
router.register("time-deposits", api.TimeDepositViewSet, basename="time-deposit")
router.register(
    "release-applications", api.ReleaseApplicationViewSet, basename="release-application"
)


api_urlpatterns = [
    *router.urls,
]
