"""API routes of the settlement app."""

from django.urls import path
from rest_framework.routers import DefaultRouter

from settlement import (
    api,
    benefit_use_api,
    own_disbursement_api,
    plan_api,
    risk_api,
    yearend_api,
)

router = DefaultRouter()
router.register("cycles", api.MonthlyCycleViewSet, basename="cycle")
router.register("remittances", api.RemittanceLineViewSet, basename="remittance")
router.register("annual-plans", plan_api.AnnualPlanViewSet, basename="annual-plan")
router.register("usage-plans", plan_api.UsagePlanViewSet, basename="usage-plan")
router.register("city-plans", plan_api.CityMonthlyPlanViewSet, basename="city-plan")
router.register("targets", yearend_api.CountyTargetViewSet, basename="target")
router.register("adjustment-years", yearend_api.AdjustmentYearViewSet, basename="adjustment-year")

urlpatterns = [
    path("risk/", risk_api.RiskAPIView.as_view(), name="risk"),
    path(
        "target-assessments/",
        yearend_api.TargetAssessmentAPIView.as_view(),
        name="target-assessments",
    ),
    path(
        "benefit-plan-use/",
        benefit_use_api.BenefitPlanUseAPIView.as_view(),
        name="benefit-plan-use",
    ),
    path(
        "own-disbursements/",
        own_disbursement_api.OwnDisbursementAPIView.as_view(),
        name="own-disbursements",
    ),
    *router.urls,
]
