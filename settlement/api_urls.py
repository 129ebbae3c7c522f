"""API routes of the settlement app."""

from rest_framework.routers import DefaultRouter

from settlement import api

router = DefaultRouter()
router.register("cycles", api.MonthlyCycleViewSet, basename="cycle")
router.register("remittances", api.RemittanceLineViewSet, basename="remittance")

urlpatterns = router.urls
