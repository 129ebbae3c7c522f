"""Serializers of the historical-balance, time-deposit and release-application API
(N 三(四)5): read-only representations and the inputs of the writes."""

from decimal import Decimal

from rest_framework import serializers

from funds.history.models import HistoricalBalance, ReleaseApplication, TimeDeposit
from funds.ledger.models import FundType
from pooling.core.periods import TEXT_MAX_LENGTH
from pooling.core.serializers import BusinessDateField
from pooling.structure.models import County


class TimeDepositSerializer(serializers.ModelSerializer):
    class Meta:
        model = TimeDeposit
        fields = [
            "id",
            "balance",
            "amount",
            "maturity_date",
            "bank",
            "reference",
            "planned_collection",
            "collection_entry",
            "collected_at",
        ]
        read_only_fields = fields


class HistoricalBalanceSerializer(serializers.ModelSerializer):
    fund = serializers.CharField(source="fund_type.code", read_only=True)
    deposits = TimeDepositSerializer(many=True, read_only=True)
    frozen_amount = serializers.DecimalField(
        source="account.frozen_amount", max_digits=18, decimal_places=2, read_only=True
    )
    frozen_available = serializers.DecimalField(max_digits=18, decimal_places=2, read_only=True)

    class Meta:
        model = HistoricalBalance
        fields = [
            "id",
            "county",
            "fund",
            "cutover_date",
            "demand_deposit",
            "total",
            "city_share_rate",
            "city_share",
            "collected",
            "released",
            "account",
            "frozen_amount",
            "frozen_available",
            "opening_entry",
            "deposits",
        ]
        read_only_fields = fields


class DepositInputSerializer(serializers.Serializer):
    amount = serializers.DecimalField(max_digits=18, decimal_places=2, min_value=Decimal("0.01"))
    maturity_date = BusinessDateField()
    bank = serializers.CharField(max_length=100)
    reference = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")


class HistoricalBalanceInputSerializer(serializers.Serializer):
    county = serializers.PrimaryKeyRelatedField(queryset=County.objects.none())
    fund_code = serializers.SlugRelatedField(slug_field="code", queryset=FundType.objects.all())
    cutover_date = BusinessDateField()
    demand_deposit = serializers.DecimalField(max_digits=18, decimal_places=2, min_value=0)
    deposits = DepositInputSerializer(many=True, required=False, default=list)


class ReleaseApplicationSerializer(serializers.ModelSerializer):
    class Meta:
        model = ReleaseApplication
        fields = [
            "id",
            "county",
            "balance",
            "amount",
            "reason",
            "status",
            "submitted_by",
            "submitted_at",
            "reviewed_by",
            "reviewed_at",
            "decided_by",
            "decided_at",
            "return_reason",
        ]
        read_only_fields = fields


class ReleaseInputSerializer(serializers.Serializer):
    balance = serializers.PrimaryKeyRelatedField(queryset=HistoricalBalance.objects.none())
    amount = serializers.DecimalField(max_digits=18, decimal_places=2, min_value=Decimal("0.01"))
    reason = serializers.CharField(
        max_length=TEXT_MAX_LENGTH,
    )
