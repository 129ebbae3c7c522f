"""Serializers of the year-end API: a deficit-subsidy application as read and as submitted,
and an adjustment-fund year with the contributions and covers the reader may see."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from funds.ledger.models import FundType
from pooling.core.periods import TEXT_MAX_LENGTH
from pooling.core.serializers import YearField
from pooling.structure.models import County
from settlement.yearend.models import (
    AdjustmentContribution,
    AdjustmentYear,
    DeficitApplication,
    DeficitCover,
)
from settlement.yearend.selectors import adjustment_contributions_for, deficit_covers_for


class DeficitApplicationSerializer(serializers.ModelSerializer):
    fund = serializers.CharField(source="fund_type.code", read_only=True)

    class Meta:
        model = DeficitApplication
        fields = [
            "id",
            "county",
            "fund",
            "year",
            "reason",
            "status",
            "revenue",
            "spending",
            "deficit",
            "before_accession",
            "from_history",
            "city_share",
            "county_share",
            "city_share_rate",
            "submitted_by",
            "submitted_at",
            "reviewed_by",
            "reviewed_at",
            "decided_by",
            "decided_at",
            "return_reason",
        ]
        read_only_fields = fields


class DeficitInputSerializer(serializers.Serializer):
    county = serializers.PrimaryKeyRelatedField(queryset=County.objects.none())
    fund_code = serializers.SlugRelatedField(
        slug_field="code", queryset=FundType.objects.all(), source="fund_type"
    )
    year = YearField()
    reason = serializers.CharField(
        max_length=TEXT_MAX_LENGTH,
    )
    attachment = serializers.FileField()


class AdjustmentRunInputSerializer(serializers.Serializer):
    year = YearField()
    step = serializers.ChoiceField(choices=["contributions", "waterfall", "all"], default="all")


class ContributionSerializer(serializers.ModelSerializer):
    county_code = serializers.CharField(source="county.code", read_only=True)
    fund = serializers.CharField(source="fund_type.code", read_only=True)

    class Meta:
        model = AdjustmentContribution
        fields = [
            "county",
            "county_code",
            "fund",
            "collections",
            "rate",
            "amount_due",
            "amount",
            "source_account",
            "entry",
        ]


class DeficitCoverSerializer(serializers.ModelSerializer):
    county_code = serializers.CharField(source="county.code", read_only=True)
    fund = serializers.CharField(source="fund_type.code", read_only=True)

    class Meta:
        model = DeficitCover
        fields = [
            "county",
            "county_code",
            "fund",
            "revenue",
            "spending",
            "contribution",
            "deficit",
            "own_balance",
            "own_used",
            "adjustment_used",
            "completion",
            "county_share",
            "city_finance",
            "county_finance",
            "entries",
        ]


class AdjustmentYearSerializer(serializers.ModelSerializer):
    contributions = serializers.SerializerMethodField()
    covers = serializers.SerializerMethodField()

    class Meta:
        model = AdjustmentYear
        fields = [
            "id",
            "year",
            "posting_month",
            "effective_date",
            "contributions_at",
            "contributions_by",
            "waterfall_at",
            "waterfall_by",
            "contributions",
            "covers",
        ]

    @extend_schema_field(ContributionSerializer(many=True))
    def get_contributions(self, record) -> list[dict]:
        rows = adjustment_contributions_for(user=self.context["request"].user, record=record)
        return ContributionSerializer(rows, many=True).data

    @extend_schema_field(DeficitCoverSerializer(many=True))
    def get_covers(self, record) -> list[dict]:
        rows = deficit_covers_for(user=self.context["request"].user, record=record)
        return DeficitCoverSerializer(rows, many=True).data
