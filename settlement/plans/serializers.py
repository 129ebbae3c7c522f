"""API serializers of annual plans, monthly usage plans and city monthly plans. Input
serializers only check the shape of the request; the services in ``settlement.plans`` decide."""

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers

from funds.ledger.models import FundType
from pooling.core.money import parse_month
from pooling.core.serializers import YearField
from settlement.plans.models import (
    AnnualPlan,
    AnnualPlanLine,
    CityMonthlyPlan,
    PlanPurpose,
    PlanStep,
    UsagePlan,
    UsagePlanLine,
)
from settlement.plans.selectors import plan_totals
from settlement.plans.services import PlanLineInput


class MonthInputField(serializers.CharField):
    """A ``YYYY-MM`` month in, the date of its first day out."""

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", "YYYY-MM")
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        try:
            return parse_month(super().to_internal_value(data))
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.messages) from error


class AnnualPlanLineSerializer(serializers.ModelSerializer):
    fund = serializers.CharField(source="fund_type.code", read_only=True)

    class Meta:
        model = AnnualPlanLine
        fields = ["fund", "amount"]


class AnnualPlanSerializer(serializers.ModelSerializer):
    county = serializers.CharField(source="county.code", read_only=True)
    submitted_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    reviewed_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    approved_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    lines = AnnualPlanLineSerializer(many=True, read_only=True)

    class Meta:
        model = AnnualPlan
        fields = [
            "id",
            "county",
            "year",
            "status",
            "return_reason",
            "submitted_by",
            "submitted_at",
            "reviewed_by",
            "reviewed_at",
            "approved_by",
            "approved_at",
            "lines",
        ]


class UsagePlanLineSerializer(serializers.ModelSerializer):
    fund = serializers.CharField(source="fund_type.code", read_only=True)

    class Meta:
        model = UsagePlanLine
        fields = ["fund", "purpose", "amount"]


class UsagePlanSerializer(serializers.ModelSerializer):
    county = serializers.CharField(source="county.code", read_only=True)
    submitted_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    lines = UsagePlanLineSerializer(many=True, read_only=True)

    class Meta:
        model = UsagePlan
        fields = [
            "id",
            "county",
            "month",
            "status",
            "deadline",
            "is_late",
            "note",
            "return_reason",
            "submitted_by",
            "submitted_at",
            "city_plan",
            "lines",
        ]


class PlanLineInputSerializer(serializers.Serializer):
    fund = serializers.SlugRelatedField(
        slug_field="code", queryset=FundType.objects.all(), help_text="Fund code, e.g. 310100"
    )
    purpose = serializers.ChoiceField(choices=PlanPurpose.choices, required=False, default="")
    amount = serializers.DecimalField(max_digits=18, decimal_places=2)


class UsagePlanLineInputSerializer(PlanLineInputSerializer):
    purpose = serializers.ChoiceField(choices=PlanPurpose.choices)


class _PlanSubmitSerializer(serializers.Serializer):
    """A plan as submitted: its header fields and ``lines``."""

    def plan_lines(self) -> list[PlanLineInput]:
        return [
            PlanLineInput(fund_type=line["fund"], amount=line["amount"], purpose=line["purpose"])
            for line in self.validated_data["lines"]
        ]


class AnnualPlanSubmitSerializer(_PlanSubmitSerializer):
    year = YearField()
    lines = PlanLineInputSerializer(many=True, allow_empty=False)


class UsagePlanSubmitSerializer(_PlanSubmitSerializer):
    month = MonthInputField()
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    lines = UsagePlanLineInputSerializer(many=True, allow_empty=False)


class ConsolidateInputSerializer(serializers.Serializer):
    month = MonthInputField()


class PlanStepSerializer(serializers.ModelSerializer):
    done_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = PlanStep
        fields = ["name", "deadline", "done_at", "done_by", "on_time"]


class CityMonthlyPlanSerializer(serializers.ModelSerializer):
    municipality = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    steps = PlanStepSerializer(many=True, read_only=True)
    totals = serializers.SerializerMethodField(
        help_text="The consolidated amount of each county and fund."
    )

    class Meta:
        model = CityMonthlyPlan
        fields = [
            "id",
            "municipality",
            "month",
            "status",
            "missing_counties",
            "created_at",
            "steps",
            "totals",
        ]

    def get_totals(self, city_plan: CityMonthlyPlan) -> list[dict]:
        codes = dict(city_plan.usage_plans.values_list("county_id", "county__code"))
        return [
            {"county": codes.get(county_id), "fund": fund, "amount": f"{amount:.2f}"}
            for (county_id, fund), amount in plan_totals(city_plan=city_plan).items()
        ]
