"""Routes of rules: pages (``urlpatterns``, in the app's namespace) and API
(``api_urlpatterns``, under /api/)."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from pooling.rules import api, views

urlpatterns = [
    path("rules/", views.RuleListView.as_view(), name="rule_list"),
    path("rules/new/", views.RuleCreateView.as_view(), name="rule_create"),
]


router = SimpleRouter()
router.register("rules", api.PolicyRuleViewSet, basename="rule")


api_urlpatterns = [
    *router.urls,
]
