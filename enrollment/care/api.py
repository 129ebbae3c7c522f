"""REST API of outpatient specified diseases and out-of-area filings: same capabilities and
scoping as the pages. A person outside the user's scope is an invalid choice (400); another
county's record is 404; a refused write is 400 with field errors (the services are called
directly, ``pooling.core.api.exception_handler`` answers)."""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from enrollment.care import selectors, services
from enrollment.care.serializers import (
    DecisionSerializer,
    DiseaseApplicationInputSerializer,
    DiseaseApplicationSerializer,
    DiseaseDecisionSerializer,
    OutOfAreaFilingInputSerializer,
    OutOfAreaFilingSerializer,
)
from enrollment.people.selectors import enrollment_scopes
from pooling.core.api import scoped_input

VIEW = "enrollment.view_care"
APPLY = "enrollment.apply_care"
DECIDE = "enrollment.decide_care"


def _care_scopes(user) -> dict:
    """The people and the catalogue an application or a filing may name."""
    return {**enrollment_scopes(user=user), "disease": selectors.diseases_for(user=user)}


class DiseaseApplicationViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    read_capability = VIEW
    write_capability = APPLY
    serializer_class = DiseaseApplicationSerializer

    def get_queryset(self):
        return selectors.disease_applications_for(user=self.request.user)

    @extend_schema(
        request=DiseaseApplicationInputSerializer, responses={201: DiseaseApplicationSerializer}
    )
    def create(self, request):
        data = scoped_input(DiseaseApplicationInputSerializer, request, _care_scopes(request.user))
        application = services.disease_application_submit(actor=request.user, **data)
        return Response(
            DiseaseApplicationSerializer(application).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(request=DiseaseDecisionSerializer, responses={200: DiseaseApplicationSerializer})
    @action(detail=True, methods=["post"], write_capability=DECIDE)
    def assess(self, request, pk=None):
        application = self.get_object()
        data = scoped_input(DiseaseDecisionSerializer, request, {})
        application = services.disease_application_assess(
            application=application, actor=request.user, **data
        )
        return Response(DiseaseApplicationSerializer(application).data)


class OutOfAreaFilingViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    read_capability = VIEW
    write_capability = APPLY
    serializer_class = OutOfAreaFilingSerializer

    def get_queryset(self):
        return selectors.out_of_area_filings_for(user=self.request.user)

    @extend_schema(
        request=OutOfAreaFilingInputSerializer, responses={201: OutOfAreaFilingSerializer}
    )
    def create(self, request):
        data = scoped_input(OutOfAreaFilingInputSerializer, request, _care_scopes(request.user))
        filing = services.out_of_area_filing_submit(actor=request.user, **data)
        return Response(OutOfAreaFilingSerializer(filing).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=DecisionSerializer, responses={200: OutOfAreaFilingSerializer})
    @action(detail=True, methods=["post"], write_capability=DECIDE)
    def decide(self, request, pk=None):
        filing = self.get_object()
        data = scoped_input(DecisionSerializer, request, {})
        filing = services.out_of_area_filing_decide(filing=filing, actor=request.user, **data)
        return Response(OutOfAreaFilingSerializer(filing).data)
