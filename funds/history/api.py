"""REST API of historical balances, time deposits, release applications and deficit subsidies
(N 三(四)5–6, J 二(五)2): the same services, capabilities and scoping as the pages. Another
county's rows are 404; a refused write is 400 with field errors; auditors only read."""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from funds.history import selectors, services
from funds.history.models import TimeDeposit
from funds.history.serializers import (
    ApplicationDecisionSerializer,
    HistoricalBalanceInputSerializer,
    HistoricalBalanceSerializer,
    ReleaseApplicationSerializer,
    ReleaseInputSerializer,
    TimeDepositSerializer,
)
from pooling.accounts.models import Role
from pooling.core.access import has_capability
from pooling.structure.models import County

VIEW = "funds.view_history"


def _counties(user):
    queryset = County.objects.filter(municipality_id=user.municipality_id)
    if user.role == Role.COUNTY_OFFICER:
        queryset = queryset.filter(pk=user.county_id)
    return queryset


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
        serializer = HistoricalBalanceInputSerializer(data=request.data)
        serializer.fields["county"].queryset = _counties(request.user)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
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


class _DecidingViewSet(viewsets.GenericViewSet):
    """Writes: ``create`` needs ``funds.apply_history``; ``decide`` the review or approval
    capability of the step."""

    read_capability = VIEW

    @property
    def write_capability(self) -> str:
        if getattr(self, "action", None) == "decide":
            user = self.request.user
            if has_capability(user, "funds.review_history"):
                return "funds.review_history"
            return "funds.approve_history"
        return "funds.apply_history"

    def _decision(self, request) -> dict:
        serializer = ApplicationDecisionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        step = serializer.validated_data["step"]
        needed = "funds.approve_history" if step == "approve" else "funds.review_history"
        if step != "return" and not has_capability(request.user, needed):
            raise PermissionDenied
        return serializer.validated_data


class ReleaseApplicationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, _DecidingViewSet):
    serializer_class = ReleaseApplicationSerializer

    def get_queryset(self):
        return selectors.release_applications_for(user=self.request.user)

    @extend_schema(request=ReleaseInputSerializer, responses={201: ReleaseApplicationSerializer})
    def create(self, request):
        serializer = ReleaseInputSerializer(data=request.data)
        serializer.fields["balance"].queryset = selectors.historical_balances_for(user=request.user)
        serializer.is_valid(raise_exception=True)
        application = services.release_apply(actor=request.user, **serializer.validated_data)
        return Response(
            ReleaseApplicationSerializer(application).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(
        request=ApplicationDecisionSerializer, responses={200: ReleaseApplicationSerializer}
    )
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        application = self.get_object()
        data = self._decision(request)
        application = services.release_decide(
            application=application, actor=request.user, step=data["step"], reason=data["reason"]
        )
        return Response(ReleaseApplicationSerializer(application).data)
