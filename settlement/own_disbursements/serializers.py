"""API serializers of a tiered county's own disbursements: the rows listed, the input of a
disbursement and the list's query. Counties are resolved within the user's scope."""

from decimal import Decimal

from rest_framework import serializers

from pooling.core.serializers import BusinessDateField, ScopedCountyField, YearField

MONEY = {"max_digits": 18, "decimal_places": 2}


class OwnDisbursementSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    county = serializers.IntegerField(source="county_id")
    county_name = serializers.CharField()
    fund_code = serializers.CharField(source="fund_type.code")
    amount = serializers.DecimalField(**MONEY)
    month = serializers.DateField()
    effective_date = serializers.DateField()
    memo = serializers.CharField()
    idempotency_key = serializers.CharField()
    created_at = serializers.DateTimeField()


class OwnDisbursementInputSerializer(serializers.Serializer):
    county = ScopedCountyField()
    fund_code = serializers.CharField(max_length=6, default="310100")
    amount = serializers.DecimalField(min_value=Decimal("0.01"), **MONEY)
    on = BusinessDateField()
    memo = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    request_key = serializers.CharField(max_length=100)


class OwnDisbursementQuerySerializer(serializers.Serializer):
    year = YearField(required=False)
    county = ScopedCountyField(required=False)
