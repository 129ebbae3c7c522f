"""API routes of the settlement app."""

from rest_framework.routers import DefaultRouter

from settlement import api, plan_api

router = DefaultRouter()
router.register("cycles", api.MonthlyCycleViewSet, basename="cycle")
router.register("remittances", api.RemittanceLineViewSet, basename="remittance")
router.register("annual-plans", plan_api.AnnualPlanViewSet, basename="annual-plan")
router.register("usage-plans", plan_api.UsagePlanViewSet, basename="usage-plan")
router.register("city-plans", plan_api.CityMonthlyPlanViewSet, basename="city-plan")

urlpatterns = router.urls
