"""API serializers of the quarterly interest. Input serializers validate; services write."""

from rest_framework import serializers

from funds.interest.models import InterestSettlement
from pooling.core.serializers import BusinessDateField


class InterestSettlementSerializer(serializers.ModelSerializer):
    fund = serializers.CharField(source="account.fund_type.code", read_only=True)
    account_name = serializers.CharField(source="account.name", read_only=True)
    account_kind = serializers.CharField(source="account.kind", read_only=True)
    credited_account_name = serializers.CharField(source="credited_account.name", read_only=True)
    difference = serializers.DecimalField(
        max_digits=18, decimal_places=2, read_only=True, allow_null=True
    )

    class Meta:
        model = InterestSettlement
        fields = [
            "id",
            "settlement_date",
            "period_start",
            "days",
            "county",
            "fund",
            "account",
            "account_name",
            "account_kind",
            "credited_account",
            "credited_account_name",
            "accumulated_balance",
            "rate",
            "computed_interest",
            "bank_interest",
            "difference",
            "status",
            "entry",
            "confirmed_by",
            "confirmed_at",
        ]


class InterestComputeInputSerializer(serializers.Serializer):
    settlement_date = BusinessDateField()


class InterestConfirmInputSerializer(serializers.Serializer):
    bank_interest = serializers.DecimalField(max_digits=18, decimal_places=2, min_value=0)
