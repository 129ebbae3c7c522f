"""REST API of the benefit standards: every version of the user's city; the bureau adds a
version (400 with field errors on an overlap or a bad value)."""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.response import Response

from pooling.core.api import scoped_input, user_municipality
from settlement.benefits.standards import selectors, services
from settlement.benefits.standards.serializers import (
    BenefitStandardInputSerializer,
    BenefitStandardSerializer,
)


class BenefitStandardViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    read_capability = "settlement.view_benefit_standards"
    write_capability = "settlement.change_benefit_standards"
    serializer_class = BenefitStandardSerializer

    def get_queryset(self):
        return selectors.benefit_standards_for(user=self.request.user)

    @extend_schema(
        request=BenefitStandardInputSerializer, responses={201: BenefitStandardSerializer}
    )
    def create(self, request):
        data = scoped_input(BenefitStandardInputSerializer, request, {})
        standard = services.benefit_standard_add_version(
            municipality=user_municipality(request.user), actor=request.user, **data
        )
        return Response(BenefitStandardSerializer(standard).data, status=status.HTTP_201_CREATED)
