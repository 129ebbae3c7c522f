"""REST API of the year end (issue 8 items 3 and 5): county targets (read; city staff set),
the target assessment of a year, and the adjustment fund's years with their contributions and
deficit covers (read; the city agency runs a step). Same services, capabilities and county
scoping as the pages: a county officer reads only their county's rows, another county's
target is a 404; bad input is a 400 with field errors."""

from decimal import Decimal

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from pooling.api import as_api_error
from pooling.models import County
from pooling.selectors import counties_for
from settlement import adjustment, targets
from settlement.models import AdjustmentContribution, AdjustmentYear, CountyTarget, DeficitCover

MONEY = {"max_digits": 18, "decimal_places": 2}
MIN_AMOUNT = Decimal("0.01")


class CountyTargetSerializer(serializers.ModelSerializer):
    county_code = serializers.CharField(source="county.code", read_only=True)
    county_name = serializers.CharField(source="county.name", read_only=True)

    class Meta:
        model = CountyTarget
        fields = [
            "id", "county", "county_code", "county_name", "year", "enrollment_target",
            "collection_target", "revenue_plan", "expenditure_plan", "set_by", "set_at",
        ]  # fmt: skip
        read_only_fields = fields


class CountyTargetInputSerializer(serializers.Serializer):
    county = serializers.PrimaryKeyRelatedField(queryset=County.objects.none())
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    enrollment_target = serializers.IntegerField(min_value=1)
    collection_target = serializers.DecimalField(min_value=MIN_AMOUNT, **MONEY)
    revenue_plan = serializers.DecimalField(min_value=MIN_AMOUNT, **MONEY)
    expenditure_plan = serializers.DecimalField(min_value=MIN_AMOUNT, **MONEY)


class TargetAssessmentSerializer(serializers.Serializer):
    county = serializers.IntegerField(source="county.pk")
    county_code = serializers.CharField(source="county.code")
    county_name = serializers.CharField(source="county.name")
    year = serializers.IntegerField()
    enrollment_target = serializers.IntegerField(source="target.enrollment_target", default=None)
    collection_target = serializers.DecimalField(source="target.collection_target", default=None,
                                                 **MONEY)  # fmt: skip
    revenue_plan = serializers.DecimalField(source="target.revenue_plan", default=None, **MONEY)
    expenditure_plan = serializers.DecimalField(source="target.expenditure_plan", default=None,
                                                **MONEY)  # fmt: skip
    enrolled = serializers.IntegerField()
    collected = serializers.DecimalField(**MONEY)
    revenue = serializers.DecimalField(**MONEY)
    spending = serializers.DecimalField(**MONEY)
    enrollment_rate = serializers.DecimalField(max_digits=9, decimal_places=4, allow_null=True)
    collection_rate = serializers.DecimalField(max_digits=9, decimal_places=4, allow_null=True)
    revenue_rate = serializers.DecimalField(max_digits=9, decimal_places=4, allow_null=True)
    expenditure_rate = serializers.DecimalField(max_digits=9, decimal_places=4, allow_null=True)
    completion = serializers.DecimalField(max_digits=9, decimal_places=4, allow_null=True)


class YearQuerySerializer(serializers.Serializer):
    year = serializers.IntegerField(min_value=2000, max_value=2100)


class AdjustmentRunInputSerializer(serializers.Serializer):
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    step = serializers.ChoiceField(choices=["contributions", "waterfall", "all"], default="all")


class ContributionSerializer(serializers.ModelSerializer):
    county_code = serializers.CharField(source="county.code", read_only=True)
    fund = serializers.CharField(source="fund_type.code", read_only=True)

    class Meta:
        model = AdjustmentContribution
        fields = ["county", "county_code", "fund", "collections", "rate", "amount_due",
                  "amount", "source_account", "entry"]  # fmt: skip


class DeficitCoverSerializer(serializers.ModelSerializer):
    county_code = serializers.CharField(source="county.code", read_only=True)
    fund = serializers.CharField(source="fund_type.code", read_only=True)

    class Meta:
        model = DeficitCover
        fields = [
            "county", "county_code", "fund", "revenue", "spending", "contribution", "deficit",
            "own_balance", "own_used", "adjustment_used", "completion", "county_share",
            "city_finance", "county_finance", "entries",
        ]  # fmt: skip


class AdjustmentYearSerializer(serializers.ModelSerializer):
    contributions = serializers.SerializerMethodField()
    covers = serializers.SerializerMethodField()

    class Meta:
        model = AdjustmentYear
        fields = [
            "id", "year", "posting_month", "effective_date", "contributions_at",
            "contributions_by", "waterfall_at", "waterfall_by", "contributions", "covers",
        ]  # fmt: skip

    def _visible(self):
        return counties_for(user=self.context["request"].user)

    @extend_schema_field(ContributionSerializer(many=True))
    def get_contributions(self, record) -> list[dict]:
        rows = record.contributions.filter(county__in=self._visible()).select_related(
            "county", "fund_type"
        )
        return ContributionSerializer(rows, many=True).data

    @extend_schema_field(DeficitCoverSerializer(many=True))
    def get_covers(self, record) -> list[dict]:
        rows = (
            record.covers.filter(county__in=self._visible())
            .select_related("county", "fund_type")
            .prefetch_related("entries")
        )
        return DeficitCoverSerializer(rows, many=True).data


def _call(service, **kwargs):
    """Run a service; its ValidationError becomes a 400 with field errors."""
    try:
        return service(**kwargs)
    except DjangoValidationError as error:
        raise as_api_error(error) from error


class CountyTargetViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin,
                          viewsets.GenericViewSet):  # fmt: skip
    """Targets by county and year; ``POST`` sets (or changes) one county's targets."""

    read_capability = "settlement.view_targets"
    write_capability = "settlement.set_targets"
    serializer_class = CountyTargetSerializer
    filterset_fields = ["year", "county"]

    def get_queryset(self):
        return targets.county_targets_for(user=self.request.user)

    @extend_schema(request=CountyTargetInputSerializer, responses=CountyTargetSerializer)
    def create(self, request):
        data = CountyTargetInputSerializer(data=request.data)
        data.fields["county"].queryset = counties_for(user=request.user)
        data.is_valid(raise_exception=True)
        target = _call(targets.county_target_set, actor=request.user, **data.validated_data)
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
        rows = targets.target_assessments_for(user=request.user, year=query.validated_data["year"])
        return Response(TargetAssessmentSerializer(rows, many=True).data)


class AdjustmentYearViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin,
                            viewsets.GenericViewSet):  # fmt: skip
    """The adjustment fund's year ends; a county officer sees only their county's rows.
    ``POST run/`` books the contributions, runs the waterfall, or both (``step``)."""

    read_capability = "settlement.view_adjustment"
    write_capability = "settlement.run_adjustment"
    serializer_class = AdjustmentYearSerializer
    filterset_fields = ["year"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation has no user
            return AdjustmentYear.objects.none()
        municipality = targets.user_municipality(self.request.user)
        return AdjustmentYear.objects.filter(municipality=municipality)

    @extend_schema(request=AdjustmentRunInputSerializer, responses=AdjustmentYearSerializer)
    @action(detail=False, methods=["post"])
    def run(self, request):
        data = AdjustmentRunInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        year, step = data.validated_data["year"], data.validated_data["step"]
        municipality = targets.user_municipality(request.user)
        if step in ("contributions", "all"):
            result = _call(adjustment.adjustment_contributions_book, municipality=municipality,
                           year=year, actor=request.user)  # fmt: skip
        if step in ("waterfall", "all"):
            result = _call(adjustment.adjustment_waterfall_run, municipality=municipality,
                           year=year, actor=request.user)  # fmt: skip
        record = self.get_queryset().get(pk=result.adjustment_year.pk)
        return Response(self.get_serializer(record).data)
