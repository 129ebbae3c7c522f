"""Pages of the settlement app (namespace ``settlement``)."""

from django.urls import path

from settlement import (
    benefit_use_views,
    own_disbursement_views,
    plan_views,
    risk_views,
    views,
    yearend_views,
)

app_name = "settlement"

urlpatterns = [
    path("cycles/", views.CycleListView.as_view(), name="cycle_list"),
    path("cycles/start/", views.CycleStartView.as_view(), name="cycle_start"),
    path("cycles/<int:pk>/", views.CycleDetailView.as_view(), name="cycle_detail"),
    path("cycles/<int:pk>/progress/", views.CycleProgressView.as_view(), name="cycle_progress"),
    path("steps/<int:pk>/rerun/", views.CycleStepRerunView.as_view(), name="step_rerun"),
    path("remittances/", views.RemittanceListView.as_view(), name="remittance_list"),
    path("schedule/", views.ScheduleView.as_view(), name="schedule"),
    path("plans/", plan_views.UsagePlanListView.as_view(), name="usage_plan_list"),
    path("plans/new/", plan_views.UsagePlanCreateView.as_view(), name="usage_plan_create"),
    path("plans/<int:pk>/", plan_views.UsagePlanDetailView.as_view(), name="usage_plan_detail"),
    path(
        "plans/<int:pk>/return/", plan_views.UsagePlanReturnView.as_view(), name="usage_plan_return"
    ),
    path(
        "plans/benefit-use/",
        benefit_use_views.BenefitPlanUseView.as_view(),
        name="benefit_plan_use",
    ),
    path("plans/dashboard/", plan_views.MonthOverviewView.as_view(), name="plan_dashboard"),
    path("risk/", risk_views.RiskDashboardView.as_view(), name="risk_dashboard"),
    path(
        "plans/consolidation/",
        plan_views.MonthOverviewView.as_view(consolidation=True),
        name="plan_consolidation",
    ),
    path("plans/city/<int:pk>/", plan_views.CityPlanDetailView.as_view(), name="city_plan_detail"),
    path(
        "plans/city/<int:pk>/approve/",
        plan_views.CityPlanActionView.as_view(action="approve"),
        name="city_plan_approve",
    ),
    path(
        "plans/city/<int:pk>/request/",
        plan_views.CityPlanActionView.as_view(action="request"),
        name="city_plan_request",
    ),
    path(
        "plans/city/<int:pk>/disburse/",
        plan_views.CityPlanActionView.as_view(action="disburse"),
        name="city_plan_disburse",
    ),
    path(
        "plans/city/<int:pk>/allocate/",
        plan_views.CityPlanActionView.as_view(action="allocate"),
        name="city_plan_allocate",
    ),
    path("notifications/", plan_views.NotificationListView.as_view(), name="notification_list"),
    path(
        "notifications/read/",
        plan_views.NotificationMarkReadView.as_view(),
        name="notifications_mark_read",
    ),
    path(
        "notifications/<int:pk>/read/",
        plan_views.NotificationMarkReadView.as_view(),
        name="notification_mark_read",
    ),
    path("plans/annual/", plan_views.AnnualPlanListView.as_view(), name="annual_plan_list"),
    path("plans/annual/new/", plan_views.AnnualPlanCreateView.as_view(), name="annual_plan_create"),
    path(
        "plans/annual/<int:pk>/",
        plan_views.AnnualPlanDetailView.as_view(),
        name="annual_plan_detail",
    ),
    path(
        "plans/annual/<int:pk>/review/",
        plan_views.AnnualPlanActionView.as_view(action="review"),
        name="annual_plan_review",
    ),
    path(
        "plans/annual/<int:pk>/approve/",
        plan_views.AnnualPlanActionView.as_view(action="approve"),
        name="annual_plan_approve",
    ),
    path(
        "plans/annual/<int:pk>/return/",
        plan_views.AnnualPlanReturnView.as_view(),
        name="annual_plan_return",
    ),
    path("year-end/targets/", yearend_views.TargetReportView.as_view(), name="target_report"),
    path("year-end/targets/set/", yearend_views.TargetSetView.as_view(), name="target_set"),
    path("year-end/adjustment/", yearend_views.AdjustmentView.as_view(), name="adjustment_year"),
    path(
        "own-disbursements/",
        own_disbursement_views.OwnDisbursementListView.as_view(),
        name="own_disbursement_list",
    ),
    path(
        "own-disbursements/new/",
        own_disbursement_views.OwnDisbursementCreateView.as_view(),
        name="own_disbursement_create",
    ),
]
