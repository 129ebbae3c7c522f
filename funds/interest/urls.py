"""Routes of the quarterly interest: pages (``urlpatterns``) and API (``api_urlpatterns``)."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from funds.interest import api, views

urlpatterns = [
    path("interest/", views.InterestListView.as_view(), name="interest_list"),
    path("interest/compute/", views.InterestComputeView.as_view(), name="interest_compute"),
    path(
        "interest/<int:pk>/confirm/",
        views.InterestConfirmView.as_view(),
        name="interest_confirm",
    ),
]

router = SimpleRouter()
router.register("interest", api.InterestSettlementViewSet, basename="interest")

api_urlpatterns = [*router.urls]
