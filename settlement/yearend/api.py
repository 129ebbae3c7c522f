"""REST API of the year end: deficit-subsidy applications with the steps of their workflow
(N 三(四)6), and the adjustment fund's years with their contributions and deficit covers
(read; the city agency runs a step, Z 四(九)). The same services, capabilities and scoping
as the pages: another county's rows are 404; a refused write is 400 with field errors;
auditors only read."""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from pooling.core.api import scoped_input, user_municipality
from pooling.core.serializers import ReturnInputSerializer
from pooling.structure.selectors import counties_for
from settlement.yearend import selectors, services
from settlement.yearend.models import DEFICIT_WORKFLOW, AdjustmentYear
from settlement.yearend.serializers import (
    AdjustmentRunInputSerializer,
    AdjustmentYearSerializer,
    DeficitApplicationSerializer,
    DeficitInputSerializer,
)

VIEW = "settlement.view_deficits"


class DeficitApplicationViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Applications are created with ``settlement.apply_deficit``; each step of their
    workflow (``review``, ``approve``, ``return``) is open to whoever the workflow lets take
    it."""

    read_capability = VIEW
    write_capability = "settlement.apply_deficit"
    serializer_class = DeficitApplicationSerializer
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    def get_queryset(self):
        return selectors.deficit_applications_for(user=self.request.user)

    @extend_schema(request=DeficitInputSerializer, responses={201: DeficitApplicationSerializer})
    def create(self, request):
        data = scoped_input(
            DeficitInputSerializer, request, {"county": counties_for(user=request.user)}
        )
        application = services.deficit_apply(actor=request.user, **data)
        return Response(
            DeficitApplicationSerializer(application).data, status=status.HTTP_201_CREATED
        )

    def _step(self, request, step: str, service, **params) -> Response:
        if not DEFICIT_WORKFLOW[step].allows(request.user):
            raise PermissionDenied
        application = service(application=self.get_object(), actor=request.user, **params)
        return Response(DeficitApplicationSerializer(application).data)

    @extend_schema(request=None, responses={200: DeficitApplicationSerializer})
    @action(detail=True, methods=["post"], write_capability=VIEW)
    def review(self, request, pk=None):
        return self._step(request, "review", services.deficit_review)

    @extend_schema(request=None, responses={200: DeficitApplicationSerializer})
    @action(detail=True, methods=["post"], write_capability=VIEW)
    def approve(self, request, pk=None):
        return self._step(request, "approve", services.deficit_approve)

    @extend_schema(request=ReturnInputSerializer, responses={200: DeficitApplicationSerializer})
    @action(
        detail=True, methods=["post"], url_path="return", url_name="return", write_capability=VIEW
    )
    def return_(self, request, pk=None):
        data = scoped_input(ReturnInputSerializer, request, {})
        return self._step(request, "return", services.deficit_return, reason=data["reason"])


class AdjustmentYearViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """The adjustment fund's year ends; a county officer sees only their county's rows.
    ``POST run/`` books the contributions, runs the waterfall, or both (``step``)."""

    read_capability = "settlement.view_adjustment"
    write_capability = "settlement.run_adjustment"
    serializer_class = AdjustmentYearSerializer
    filterset_fields = ["year"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation has no user
            return AdjustmentYear.objects.none()
        return AdjustmentYear.objects.filter(municipality=user_municipality(self.request.user))

    @extend_schema(request=AdjustmentRunInputSerializer, responses=AdjustmentYearSerializer)
    @action(detail=False, methods=["post"])
    def run(self, request):
        data = scoped_input(AdjustmentRunInputSerializer, request, {})
        year, step = data["year"], data["step"]
        municipality = user_municipality(request.user)
        if step in ("contributions", "all"):
            result = services.adjustment_contributions_book(
                municipality=municipality, year=year, actor=request.user
            )
        if step in ("waterfall", "all"):
            result = services.adjustment_waterfall_run(
                municipality=municipality, year=year, actor=request.user
            )
        record = self.get_queryset().get(pk=result.adjustment_year.pk)
        return Response(self.get_serializer(record).data)
