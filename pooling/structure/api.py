"""REST API of the pooling structure (counties, pooling models, accession evaluations): the
same capabilities and scoping as the pages."""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.response import Response

from pooling.core.api import scoped_input
from pooling.structure import selectors, services
from pooling.structure.filters import (
    AccessionEvaluationFilter,
    CountyFilter,
    CountyPoolingModelFilter,
)
from pooling.structure.serializers import (
    AccessionEvaluationSerializer,
    AccessionInputSerializer,
    CountyPoolingModelSerializer,
    CountySerializer,
    PoolingModelInputSerializer,
)


class CountyViewSet(viewsets.ReadOnlyModelViewSet):
    read_capability = "pooling.view_structure"
    serializer_class = CountySerializer
    filterset_class = CountyFilter

    def get_queryset(self):
        return selectors.counties_for(user=self.request.user)


class CountyPoolingModelViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    read_capability = "pooling.view_structure"
    write_capability = "pooling.change_structure"
    serializer_class = CountyPoolingModelSerializer
    filterset_class = CountyPoolingModelFilter

    def get_queryset(self):
        return selectors.county_pooling_models_for(user=self.request.user)

    @extend_schema(request=PoolingModelInputSerializer, responses=CountyPoolingModelSerializer)
    def create(self, request):
        data = scoped_input(
            PoolingModelInputSerializer,
            request,
            {"county": selectors.counties_for(user=request.user)},
        )
        period = services.county_pooling_model_set(actor=request.user, **data)
        return Response(self.get_serializer(period).data, status=status.HTTP_201_CREATED)


class AccessionEvaluationViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    read_capability = "pooling.view_structure"
    write_capability = "pooling.record_accession"
    serializer_class = AccessionEvaluationSerializer
    filterset_class = AccessionEvaluationFilter

    def get_queryset(self):
        return selectors.accession_evaluations_for(user=self.request.user)

    @extend_schema(request=AccessionInputSerializer, responses=AccessionEvaluationSerializer)
    def create(self, request):
        data = scoped_input(
            AccessionInputSerializer, request, {"county": selectors.counties_for(user=request.user)}
        )
        evaluation = services.accession_evaluation_record(actor=request.user, **data)
        return Response(self.get_serializer(evaluation).data, status=status.HTTP_201_CREATED)
