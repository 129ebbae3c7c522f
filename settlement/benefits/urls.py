"""Routes of benefits: pages (``urlpatterns``, in the app's namespace) and API
(``api_urlpatterns``, under /api/)."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from settlement.benefits import api, views

urlpatterns = [
    path("benefits/", views.BenefitStatementListView.as_view(), name="benefit_list"),
    path("benefits/enter/", views.BenefitStatementEnterView.as_view(), name="benefit_enter"),
    path("benefits/import/", views.BenefitImportView.as_view(), name="benefit_import"),
    path(
        "benefits/<int:pk>/",
        views.BenefitStatementView.as_view(http_method_names=["get", "head", "options"]),
        name="benefit_detail",
    ),
    path(
        "benefits/<int:pk>/review/",
        views.BenefitStatementView.as_view(http_method_names=["post"]),
        name="benefit_review",
    ),
    path(
        "benefits/<int:pk>/pay/",
        views.BenefitStatementPayView.as_view(),
        name="benefit_pay",
    ),
    path(
        "benefits/pharmacy-spending/",
        views.PharmacySpendingImportView.as_view(),
        name="pharmacy_spending_import",
    ),
    path(
        "plans/benefit-use/",
        views.BenefitPlanUseView.as_view(),
        name="benefit_plan_use",
    ),
]


router = SimpleRouter()
router.register("benefit-statements", api.BenefitStatementViewSet, basename="benefit-statement")


api_urlpatterns = [
    path(
        "pharmacy-spending/import/",
        api.PharmacySpendingImportView.as_view(),
        name="pharmacy-spending-import",
    ),
    path(
        "benefit-plan-use/",
        api.BenefitPlanUseAPIView.as_view(),
        name="benefit-plan-use",
    ),
    *router.urls,
]
