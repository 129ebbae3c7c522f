"""REST API of historical balances, time deposits, release applications and deficit subsidies
(N 三(四)5–6, J 二(五)2): the same services, capabilities and scoping as the pages. Another
county's rows are 404; a refused write is 400 with field errors; auditors only read."""

from decimal import Decimal

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from funds import deficits, history
from funds.models import (
    DeficitApplication,
    FundType,
    HistoricalBalance,
    ReleaseApplication,
    TimeDeposit,
)
from pooling.access import has_capability
from pooling.api import as_api_error
from pooling.models import County, Role

VIEW = "funds.view_history"


def _call(service, **kwargs):
    try:
        return service(**kwargs)
    except DjangoValidationError as error:
        raise as_api_error(error) from error


def _counties(user):
    queryset = County.objects.filter(municipality_id=user.municipality_id)
    if user.role == Role.COUNTY_OFFICER:
        queryset = queryset.filter(pk=user.county_id)
    return queryset


class TimeDepositSerializer(serializers.ModelSerializer):
    class Meta:
        model = TimeDeposit
        fields = ["id", "balance", "amount", "maturity_date", "bank", "reference",
                  "planned_collection", "collection_entry", "collected_at"]  # fmt: skip
        read_only_fields = fields


class HistoricalBalanceSerializer(serializers.ModelSerializer):
    fund = serializers.CharField(source="fund_type.code", read_only=True)
    deposits = TimeDepositSerializer(many=True, read_only=True)
    frozen_amount = serializers.DecimalField(source="account.frozen_amount", max_digits=18,
                                             decimal_places=2, read_only=True)  # fmt: skip
    frozen_available = serializers.DecimalField(max_digits=18, decimal_places=2, read_only=True)

    class Meta:
        model = HistoricalBalance
        fields = ["id", "county", "fund", "cutover_date", "demand_deposit", "total",
                  "city_share_rate", "city_share", "collected", "released", "account",
                  "frozen_amount", "frozen_available", "opening_entry", "deposits"]  # fmt: skip
        read_only_fields = fields


class DepositInputSerializer(serializers.Serializer):
    amount = serializers.DecimalField(max_digits=18, decimal_places=2, min_value=Decimal("0.01"))
    maturity_date = serializers.DateField()
    bank = serializers.CharField(max_length=100)
    reference = serializers.CharField(max_length=60, required=False, allow_blank=True,
                                      default="")  # fmt: skip


class HistoricalBalanceInputSerializer(serializers.Serializer):
    county = serializers.PrimaryKeyRelatedField(queryset=County.objects.none())
    fund_code = serializers.SlugRelatedField(slug_field="code", queryset=FundType.objects.all())
    cutover_date = serializers.DateField()
    demand_deposit = serializers.DecimalField(max_digits=18, decimal_places=2, min_value=0)
    deposits = DepositInputSerializer(many=True, required=False, default=list)


class HistoricalBalanceViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    read_capability = VIEW
    write_capability = "funds.register_history"
    serializer_class = HistoricalBalanceSerializer

    def get_queryset(self):
        return history.historical_balances_for(user=self.request.user).prefetch_related("deposits")

    @extend_schema(request=HistoricalBalanceInputSerializer,
                   responses={201: HistoricalBalanceSerializer})  # fmt: skip
    def create(self, request):
        serializer = HistoricalBalanceInputSerializer(data=request.data)
        serializer.fields["county"].queryset = _counties(request.user)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        balance = _call(
            history.historical_balance_register, county=data["county"],
            fund_type=data["fund_code"], cutover_date=data["cutover_date"],
            demand_deposit=data["demand_deposit"],
            deposits=[history.DepositInput(**row) for row in data["deposits"]],
            actor=request.user,
        )  # fmt: skip
        return Response(HistoricalBalanceSerializer(balance).data, status=status.HTTP_201_CREATED)


class TimeDepositViewSet(viewsets.ReadOnlyModelViewSet):
    read_capability = VIEW
    serializer_class = TimeDepositSerializer

    def get_queryset(self):
        balances = history.historical_balances_for(user=self.request.user)
        return TimeDeposit.objects.filter(balance__in=balances).order_by("maturity_date", "pk")


class ApplicationDecisionSerializer(serializers.Serializer):
    step = serializers.ChoiceField(choices=["review", "approve", "return"])
    reason = serializers.CharField(required=False, allow_blank=True, default="")


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


class ReleaseApplicationSerializer(serializers.ModelSerializer):
    class Meta:
        model = ReleaseApplication
        fields = ["id", "county", "balance", "amount", "reason", "status", "submitted_by",
                  "submitted_at", "reviewed_by", "reviewed_at", "decided_by", "decided_at",
                  "return_reason"]  # fmt: skip
        read_only_fields = fields


class ReleaseInputSerializer(serializers.Serializer):
    balance = serializers.PrimaryKeyRelatedField(queryset=HistoricalBalance.objects.none())
    amount = serializers.DecimalField(max_digits=18, decimal_places=2, min_value=Decimal("0.01"))
    reason = serializers.CharField()


class ReleaseApplicationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin,
                                _DecidingViewSet):  # fmt: skip
    serializer_class = ReleaseApplicationSerializer

    def get_queryset(self):
        return history.release_applications_for(user=self.request.user)

    @extend_schema(request=ReleaseInputSerializer, responses={201: ReleaseApplicationSerializer})
    def create(self, request):
        serializer = ReleaseInputSerializer(data=request.data)
        serializer.fields["balance"].queryset = history.historical_balances_for(user=request.user)
        serializer.is_valid(raise_exception=True)
        application = _call(history.release_apply, actor=request.user,
                            **serializer.validated_data)  # fmt: skip
        return Response(ReleaseApplicationSerializer(application).data,
                        status=status.HTTP_201_CREATED)  # fmt: skip

    @extend_schema(
        request=ApplicationDecisionSerializer, responses={200: ReleaseApplicationSerializer}
    )
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        application = self.get_object()
        data = self._decision(request)
        application = _call(history.release_decide, application=application, actor=request.user,
                            step=data["step"], reason=data["reason"])  # fmt: skip
        return Response(ReleaseApplicationSerializer(application).data)


class DeficitApplicationSerializer(serializers.ModelSerializer):
    fund = serializers.CharField(source="fund_type.code", read_only=True)

    class Meta:
        model = DeficitApplication
        fields = ["id", "county", "fund", "year", "reason", "status", "revenue", "spending",
                  "deficit", "before_accession", "from_history", "city_share", "county_share",
                  "city_share_rate", "submitted_by", "submitted_at", "reviewed_by",
                  "reviewed_at", "decided_by", "decided_at", "return_reason"]  # fmt: skip
        read_only_fields = fields


class DeficitInputSerializer(serializers.Serializer):
    county = serializers.PrimaryKeyRelatedField(queryset=County.objects.none())
    fund_code = serializers.SlugRelatedField(slug_field="code", queryset=FundType.objects.all())
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    reason = serializers.CharField()
    attachment = serializers.FileField()


class DeficitApplicationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin,
                                _DecidingViewSet):  # fmt: skip
    serializer_class = DeficitApplicationSerializer
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    def get_queryset(self):
        return deficits.deficit_applications_for(user=self.request.user)

    @extend_schema(request=DeficitInputSerializer, responses={201: DeficitApplicationSerializer})
    def create(self, request):
        if request.user.municipality_id is None:
            raise Http404
        serializer = DeficitInputSerializer(data=request.data)
        serializer.fields["county"].queryset = _counties(request.user)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data["fund_type"] = data.pop("fund_code")
        application = _call(deficits.deficit_apply, actor=request.user, **data)
        return Response(DeficitApplicationSerializer(application).data,
                        status=status.HTTP_201_CREATED)  # fmt: skip

    @extend_schema(
        request=ApplicationDecisionSerializer, responses={200: DeficitApplicationSerializer}
    )
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        application = self.get_object()
        data = self._decision(request)
        application = _call(deficits.deficit_decide, application=application,
                            actor=request.user, step=data["step"],
                            reason=data["reason"])  # fmt: skip
        return Response(DeficitApplicationSerializer(application).data)
