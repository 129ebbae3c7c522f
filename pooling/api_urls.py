"""API routes of the pooling app."""

from rest_framework.routers import DefaultRouter

from pooling import api

router = DefaultRouter()
router.register("counties", api.CountyViewSet, basename="county")
router.register("pooling-models", api.CountyPoolingModelViewSet, basename="pooling-model")
router.register("accession-evaluations", api.AccessionEvaluationViewSet, basename="accession")
router.register("rules", api.PolicyRuleViewSet, basename="rule")
router.register("calendar-overrides", api.CalendarOverrideViewSet, basename="calendar-override")
router.register("audit-events", api.AuditEventViewSet, basename="audit-event")

urlpatterns = router.urls
