"""REST API of outpatient specified diseases and out-of-area filings: same capabilities and
scoping as the pages. A person outside the user's scope is an invalid choice (400); another
county's record is 404; a refused write is 400 with field errors."""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from enrollment.care import selectors, services
from enrollment.care.serializers import (
    DecisionSerializer,
    DiseaseApplicationInputSerializer,
    DiseaseApplicationSerializer,
    OutOfAreaFilingInputSerializer,
    OutOfAreaFilingSerializer,
)
from enrollment.people.selectors import people_for
from pooling.core.access import has_capability


def _input(serializer_class, request):
    serializer = serializer_class(data=request.data)
    serializer.fields["person"].queryset = people_for(user=request.user)
    if "disease" in serializer.fields:
        serializer.fields["disease"].queryset = selectors.diseases_for(user=request.user)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def _require_decide(request) -> None:
    if not has_capability(request.user, "enrollment.decide_care"):
        raise PermissionDenied


class DiseaseApplicationViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    read_capability = "enrollment.view_care"
    write_capability = "enrollment.apply_care"
    serializer_class = DiseaseApplicationSerializer

    def get_queryset(self):
        return selectors.disease_applications_for(user=self.request.user)

    @extend_schema(
        request=DiseaseApplicationInputSerializer, responses={201: DiseaseApplicationSerializer}
    )
    def create(self, request):
        data = _input(DiseaseApplicationInputSerializer, request)
        application = services.disease_application_submit(actor=request.user, **data)
        return Response(
            DiseaseApplicationSerializer(application).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(request=DecisionSerializer, responses={200: DiseaseApplicationSerializer})
    @action(detail=True, methods=["post"])
    def assess(self, request, pk=None):
        _require_decide(request)
        application = self.get_object()
        serializer = DecisionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        application = services.disease_application_assess(
            application=application,
            actor=request.user,
            **serializer.validated_data,
        )
        return Response(DiseaseApplicationSerializer(application).data)


class OutOfAreaFilingViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    read_capability = "enrollment.view_care"
    write_capability = "enrollment.apply_care"
    serializer_class = OutOfAreaFilingSerializer

    def get_queryset(self):
        return selectors.out_of_area_filings_for(user=self.request.user)

    @extend_schema(
        request=OutOfAreaFilingInputSerializer, responses={201: OutOfAreaFilingSerializer}
    )
    def create(self, request):
        data = _input(OutOfAreaFilingInputSerializer, request)
        filing = services.out_of_area_filing_submit(actor=request.user, **data)
        return Response(OutOfAreaFilingSerializer(filing).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=DecisionSerializer, responses={200: OutOfAreaFilingSerializer})
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        _require_decide(request)
        filing = self.get_object()
        serializer = DecisionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data.pop("approved_from")
        filing = services.out_of_area_filing_decide(filing=filing, actor=request.user, **data)
        return Response(OutOfAreaFilingSerializer(filing).data)
