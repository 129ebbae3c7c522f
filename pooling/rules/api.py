"""REST API of the dated rule values: the same capabilities and scoping as the pages."""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.response import Response

from pooling.core.api import scoped_input
from pooling.rules import selectors, services
from pooling.rules.filters import PolicyRuleFilter
from pooling.rules.serializers import PolicyRuleInputSerializer, PolicyRuleSerializer
from pooling.structure.selectors import counties_for


class PolicyRuleViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    read_capability = "pooling.view_rules"
    write_capability = "pooling.change_rules"
    serializer_class = PolicyRuleSerializer
    filterset_class = PolicyRuleFilter

    def get_queryset(self):
        return selectors.policy_rules_for(user=self.request.user)

    @extend_schema(request=PolicyRuleInputSerializer, responses=PolicyRuleSerializer)
    def create(self, request):
        data = scoped_input(
            PolicyRuleInputSerializer, request, {"county": counties_for(user=request.user)}
        )
        municipality = selectors.rule_municipality(user=request.user, county=data.get("county"))
        version = services.policy_rule_add_version(
            municipality=municipality, actor=request.user, **data
        )
        return Response(self.get_serializer(version).data, status=status.HTTP_201_CREATED)
