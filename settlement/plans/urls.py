"""Routes of plans: pages (``urlpatterns``, in the app's namespace) and API
(``api_urlpatterns``, under /api/)."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from settlement.plans import api, views

urlpatterns = [
    path("plans/", views.UsagePlanListView.as_view(), name="usage_plan_list"),
    path("plans/new/", views.UsagePlanCreateView.as_view(), name="usage_plan_create"),
    path("plans/<int:pk>/", views.UsagePlanDetailView.as_view(), name="usage_plan_detail"),
    path(
        "plans/<int:pk>/return/",
        views.UsagePlanReturnView.as_view(),
        name="usage_plan_return",
    ),
    path("plans/dashboard/", views.MonthOverviewView.as_view(), name="plan_dashboard"),
    path(
        "plans/consolidation/",
        views.MonthOverviewView.as_view(consolidation=True),
        name="plan_consolidation",
    ),
    path("plans/city/<int:pk>/", views.CityPlanDetailView.as_view(), name="city_plan_detail"),
    path(
        "plans/city/<int:pk>/approve/",
        views.CityPlanActionView.as_view(action="approve"),
        name="city_plan_approve",
    ),
    path(
        "plans/city/<int:pk>/request/",
        views.CityPlanActionView.as_view(action="request"),
        name="city_plan_request",
    ),
    path(
        "plans/city/<int:pk>/disburse/",
        views.CityPlanActionView.as_view(action="disburse"),
        name="city_plan_disburse",
    ),
    path(
        "plans/city/<int:pk>/allocate/",
        views.CityPlanActionView.as_view(action="allocate"),
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
        views.AnnualPlanActionView.as_view(action="review"),
        name="annual_plan_review",
    ),
    path(
        "plans/annual/<int:pk>/approve/",
        views.AnnualPlanActionView.as_view(action="approve"),
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
