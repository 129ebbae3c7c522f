"""REST API of a tiered county's own disbursement: ``GET`` lists the disbursements the user
may read (``?year=``, ``?county=``), ``POST`` posts one through
``own_disbursement.own_disbursement_post``. Same capabilities and county scoping as the pages:
another county's id reads as no such county (400), a refusal is a 400 with field errors,
auditors get 403 on ``POST``."""

from decimal import Decimal

from rest_framework import serializers

from pooling.core.serializers import ScopedCountyField

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
    on = serializers.DateField()
    memo = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    request_key = serializers.CharField(max_length=100)


class OwnDisbursementQuerySerializer(serializers.Serializer):
    year = serializers.IntegerField(min_value=2000, max_value=2100, required=False)
    county = ScopedCountyField(required=False)
