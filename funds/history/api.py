"""REST API of historical balances, time deposits and release applications (N 三(四)5): the
same services, capabilities and scoping as the pages. Another county's rows are 404; a
refused write is 400 with field errors; auditors only read."""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from funds.history import selectors, services
from funds.history.models import RELEASE_WORKFLOW, TimeDeposit
from funds.history.serializers import (
    HistoricalBalanceInputSerializer,
    HistoricalBalanceSerializer,
    ReleaseApplicationSerializer,
    ReleaseInputSerializer,
    TimeDepositSerializer,
)
from pooling.core.api import scoped_input
from pooling.core.serializers import ReturnInputSerializer
from pooling.structure.selectors import counties_for

VIEW = "funds.view_history"


class HistoricalBalanceViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    read_capability = VIEW
    write_capability = "funds.register_history"
    serializer_class = HistoricalBalanceSerializer

    def get_queryset(self):
        return selectors.historical_balances_for(user=self.request.user).prefetch_related(
            "deposits"
        )

    @extend_schema(
        request=HistoricalBalanceInputSerializer, responses={201: HistoricalBalanceSerializer}
    )
    def create(self, request):
        data = scoped_input(
            HistoricalBalanceInputSerializer, request, {"county": counties_for(user=request.user)}
        )
        balance = services.historical_balance_register(
            county=data["county"],
            fund_type=data["fund_code"],
            cutover_date=data["cutover_date"],
            demand_deposit=data["demand_deposit"],
            deposits=[services.DepositInput(**row) for row in data["deposits"]],
            actor=request.user,
        )
        return Response(HistoricalBalanceSerializer(balance).data, status=status.HTTP_201_CREATED)


class TimeDepositViewSet(viewsets.ReadOnlyModelViewSet):
    read_capability = VIEW
    serializer_class = TimeDepositSerializer

    def get_queryset(self):
        balances = selectors.historical_balances_for(user=self.request.user)
        return TimeDeposit.objects.filter(balance__in=balances).order_by("maturity_date", "pk")


class ReleaseApplicationViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Applications are created with ``funds.apply_history``; each step of their workflow
    (``review``, ``approve``, ``return``) is open to whoever the workflow lets take it."""

    read_capability = VIEW
    write_capability = "funds.apply_history"
    serializer_class = ReleaseApplicationSerializer

    def get_queryset(self):
        return selectors.release_applications_for(user=self.request.user)

    @extend_schema(request=ReleaseInputSerializer, responses={201: ReleaseApplicationSerializer})
    def create(self, request):
        data = scoped_input(
            ReleaseInputSerializer,
            request,
            {"balance": selectors.historical_balances_for(user=request.user)},
        )
        application = services.release_apply(actor=request.user, **data)
        return Response(
            ReleaseApplicationSerializer(application).data, status=status.HTTP_201_CREATED
        )

    def _step(self, request, step: str, service, **params) -> Response:
        if not RELEASE_WORKFLOW[step].allows(request.user):
            raise PermissionDenied
        application = service(application=self.get_object(), actor=request.user, **params)
        return Response(ReleaseApplicationSerializer(application).data)

    @extend_schema(request=None, responses={200: ReleaseApplicationSerializer})
    @action(detail=True, methods=["post"], write_capability=VIEW)
    def review(self, request, pk=None):
        return self._step(request, "review", services.release_review)

    @extend_schema(request=None, responses={200: ReleaseApplicationSerializer})
    @action(detail=True, methods=["post"], write_capability=VIEW)
    def approve(self, request, pk=None):
        return self._step(request, "approve", services.release_approve)

    @extend_schema(request=ReturnInputSerializer, responses={200: ReleaseApplicationSerializer})
    @action(
        detail=True, methods=["post"], url_path="return", url_name="return", write_capability=VIEW
    )
    def return_(self, request, pk=None):
        data = scoped_input(ReturnInputSerializer, request, {})
        return self._step(request, "return", services.release_return, reason=data["reason"])
