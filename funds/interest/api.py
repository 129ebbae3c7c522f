"""REST API of the quarterly interest: ``GET /api/interest/?settlement_date=``,
``POST /api/interest/compute/`` {settlement_date} and ``POST /api/interest/<id>/confirm/``
{bank_interest}. Same services, capabilities and scope as the pages: another county's row is
a 404, a refused write a 400 with field errors, auditors only read."""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from funds.interest import selectors, services
from funds.interest.models import INTEREST_WORKFLOW
from funds.interest.serializers import (
    InterestComputeInputSerializer,
    InterestConfirmInputSerializer,
    InterestSettlementSerializer,
)
from pooling.core.api import scoped_input

VIEW = "funds.view_interest"


class InterestSettlementViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    read_capability = VIEW
    write_capability = "funds.compute_interest"
    serializer_class = InterestSettlementSerializer

    def get_queryset(self):
        queryset = selectors.interest_settlements_for(user=self.request.user).order_by(
            "-settlement_date", "account__fund_type__code", "county__code", "account__kind"
        )
        day = self.request.query_params.get("settlement_date")
        if day:
            query = InterestComputeInputSerializer(data={"settlement_date": day})
            query.is_valid(raise_exception=True)
            queryset = queryset.filter(settlement_date=query.validated_data["settlement_date"])
        return queryset

    @extend_schema(
        request=InterestComputeInputSerializer,
        responses={200: InterestSettlementSerializer(many=True)},
    )
    @action(detail=False, methods=["post"])
    def compute(self, request):
        data = scoped_input(InterestComputeInputSerializer, request, {})
        day = selectors.settlement_date_check(data["settlement_date"])
        rows = services.interest_quarter_compute(
            municipality=request.user.municipality, settlement_date=day, actor=request.user
        )
        return Response(InterestSettlementSerializer(rows, many=True).data)

    @extend_schema(
        request=InterestConfirmInputSerializer, responses={200: InterestSettlementSerializer}
    )
    @action(detail=True, methods=["post"], write_capability=VIEW)
    def confirm(self, request, pk=None):
        if not INTEREST_WORKFLOW["confirm"].allows(request.user):
            raise PermissionDenied
        data = scoped_input(InterestConfirmInputSerializer, request, {})
        settlement = services.interest_settlement_confirm(
            settlement=self.get_object(), bank_interest=data["bank_interest"], actor=request.user
        )
        return Response(InterestSettlementSerializer(settlement).data)
