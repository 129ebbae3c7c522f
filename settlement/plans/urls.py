"""Routes of plans: pages (``urlpatterns``, in the app's namespace) and API
(``api_urlpatterns``, under /api/)."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from settlement.plans import api, views

urlpatterns = [
    path("plans/", views.UsagePlanListView.as_view(), name="usage_plan_list"),
    path("plans/new/", views.UsagePlanCreateView.as_view(), name="usage_plan_create"),
    path("plans/<int:pk>/", views.UsagePlanDetailView.as_view(), name="usage_plan_detail"),
    path("plans/<int:pk>/return/", views.UsagePlanReturnView.as_view(), name="usage_plan_return"),
    path("plans/dashboard/", views.PlanDashboardView.as_view(), name="plan_dashboard"),
    path("plans/consolidation/", views.ConsolidationView.as_view(), name="plan_consolidation"),
    path("plans/city/<int:pk>/", views.CityPlanDetailView.as_view(), name="city_plan_detail"),
    path(
        "plans/city/<int:pk>/approve/",
        views.CityPlanApproveView.as_view(),
        name="city_plan_approve",
    ),
    path(
        "plans/city/<int:pk>/request/",
        views.CityPlanRequestView.as_view(),
        name="city_plan_request",
    ),
    path(
        "plans/city/<int:pk>/disburse/",
        views.CityPlanDisburseView.as_view(),
        name="city_plan_disburse",
    ),
    path(
        "plans/city/<int:pk>/allocate/",
        views.CityPlanAllocateView.as_view(),
        name="city_plan_allocate",
    ),
    path("plans/annual/", views.AnnualPlanListView.as_view(), name="annual_plan_list"),
    path("plans/annual/new/", views.AnnualPlanCreateView.as_view(), name="annual_plan_create"),
    path(
        "plans/annual/<int:pk>/",
        views.AnnualPlanDetailView.as_view(),
        name="annual_plan_detail",
    ),
    path(
        "plans/annual/<int:pk>/review/",
        views.AnnualPlanReviewView.as_view(),
        name="annual_plan_review",
    ),
    path(
        "plans/annual/<int:pk>/approve/",
        views.AnnualPlanApproveView.as_view(),
        name="annual_plan_approve",
    ),
    path(
        "plans/annual/<int:pk>/return/",
        views.AnnualPlanReturnView.as_view(),
        name="annual_plan_return",
    ),
]


router = SimpleRouter()
router.register("annual-plans", api.AnnualPlanViewSet, basename="annual-plan")
router.register("usage-plans", api.UsagePlanViewSet, basename="usage-plan")
router.register("city-plans", api.CityMonthlyPlanViewSet, basename="city-plan")


api_urlpatterns = [
    *router.urls,
]
