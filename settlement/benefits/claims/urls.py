"""Routes of the claims: pages and API."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from settlement.benefits.claims import api, views

urlpatterns = [
    path("benefits/claims/", views.ClaimListView.as_view(), name="claim_list"),
    path("benefits/claims/enter/", views.ClaimEnterView.as_view(), name="claim_enter"),
    path("benefits/claims/import/", views.ClaimImportView.as_view(), name="claim_import"),
    path("benefits/claims/settle/", views.ClaimSettleView.as_view(), name="claim_settle"),
    path(
        "benefits/claims/statements/",
        views.StatementsFromClaimsView.as_view(),
        name="claim_statements",
    ),
    path(
        "benefits/claims/<int:pk>/",
        views.ClaimView.as_view(http_method_names=["get", "head", "options"]),
        name="claim_detail",
    ),
    path(
        "benefits/claims/<int:pk>/refund/",
        views.ClaimView.as_view(http_method_names=["post"]),
        name="claim_refund",
    ),
]

router = SimpleRouter()
router.register("claims", api.ClaimViewSet, basename="claim")
api_urlpatterns = [
    path("claims/settle/", api.ClaimSettleAPIView.as_view(), name="claim-settle"),
    path(
        "claims/statements/",
        api.StatementsFromClaimsAPIView.as_view(),
        name="claim-statements",
    ),
    *router.urls,
]
