"""REST API of historical balances, time deposits, release applications and deficit subsidies
(N 三(四)5–6, J 二(五)2): the same services, capabilities and scoping as the pages. Another
county's rows are 404; a refused write is 400 with field errors; auditors only read."""

from decimal import Decimal

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from funds.history.api import _counties, _DecidingViewSet
from funds.history.serializers import ApplicationDecisionSerializer
from settlement.targets import selectors as targets_selectors
from settlement.yearend import selectors as yearend_selectors
from settlement.yearend import services
from settlement.yearend.models import AdjustmentYear
from settlement.yearend.serializers import (
    AdjustmentRunInputSerializer,
    AdjustmentYearSerializer,
    DeficitApplicationSerializer,
    DeficitInputSerializer,
)


class DeficitApplicationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, _DecidingViewSet):
    serializer_class = DeficitApplicationSerializer
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    def get_queryset(self):
        return yearend_selectors.deficit_applications_for(user=self.request.user)

    @extend_schema(request=DeficitInputSerializer, responses={201: DeficitApplicationSerializer})
    def create(self, request):
        if request.user.municipality_id is None:
            raise Http404
        serializer = DeficitInputSerializer(data=request.data)
        serializer.fields["county"].queryset = _counties(request.user)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data["fund_type"] = data.pop("fund_code")
        application = services.deficit_apply(actor=request.user, **data)
        return Response(
            DeficitApplicationSerializer(application).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(
        request=ApplicationDecisionSerializer, responses={200: DeficitApplicationSerializer}
    )
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        application = self.get_object()
        data = self._decision(request)
        application = services.deficit_decide(
            application=application, actor=request.user, step=data["step"], reason=data["reason"]
        )
        return Response(DeficitApplicationSerializer(application).data)


MONEY = {"max_digits": 18, "decimal_places": 2}
MIN_AMOUNT = Decimal("0.01")


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
        municipality = targets_selectors.user_municipality(self.request.user)
        return AdjustmentYear.objects.filter(municipality=municipality)

    @extend_schema(request=AdjustmentRunInputSerializer, responses=AdjustmentYearSerializer)
    @action(detail=False, methods=["post"])
    def run(self, request):
        data = AdjustmentRunInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        year, step = data.validated_data["year"], data.validated_data["step"]
        municipality = targets_selectors.user_municipality(request.user)
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
