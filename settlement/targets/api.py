"""REST API of the targets: county targets (read; city staff set them) and the assessment of
a year. Same services, capabilities and county scoping as the pages: a county officer reads
only their county's rows, another county's target is a 404; bad input is a 400 with field
errors."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.response import Response
from rest_framework.views import APIView

from pooling.core.api import scoped_input
from pooling.structure.selectors import counties_for
from settlement.targets import selectors, services
from settlement.targets.serializers import (
    CountyTargetInputSerializer,
    CountyTargetSerializer,
    TargetAssessmentSerializer,
    YearQuerySerializer,
)


class CountyTargetViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Targets by county and year; ``POST`` sets (or changes) one county's targets."""

    read_capability = "settlement.view_targets"
    write_capability = "settlement.set_targets"
    serializer_class = CountyTargetSerializer
    filterset_fields = ["year", "county"]

    def get_queryset(self):
        return selectors.county_targets_for(user=self.request.user)

    @extend_schema(request=CountyTargetInputSerializer, responses=CountyTargetSerializer)
    def create(self, request):
        data = scoped_input(
            CountyTargetInputSerializer, request, {"county": counties_for(user=request.user)}
        )
        target = services.county_target_set(actor=request.user, **data)
        return Response(self.get_serializer(target).data, status=status.HTTP_201_CREATED)


class TargetAssessmentAPIView(APIView):
    """Actual against target with completion rates for ``?year=``, every visible county."""

    read_capability = "settlement.view_targets"

    @extend_schema(
        parameters=[OpenApiParameter("year", int, required=True)],
        responses=TargetAssessmentSerializer(many=True),
    )
    def get(self, request):
        query = YearQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        rows = selectors.target_assessments_for(
            user=request.user, year=query.validated_data["year"]
        )
        return Response(TargetAssessmentSerializer(rows, many=True).data)
