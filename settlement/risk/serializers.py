"""Serializers of the risk API: the query (fund, last month, months, county) and each
entity's series with its months covered and levels."""

from django.core.exceptions import ValidationError
from rest_framework import serializers

from funds.ledger.models import FundType
from pooling.core.money import parse_month
from pooling.core.serializers import ScopedCountyField


class RiskQuerySerializer(serializers.Serializer):
    fund = serializers.SlugRelatedField(slug_field="code", queryset=FundType.objects.all())
    month = serializers.CharField(max_length=10, help_text="YYYY-MM, the last month of the series.")
    months = serializers.IntegerField(min_value=2, max_value=36, default=12)
    county = ScopedCountyField(required=False)

    def validate_month(self, value: str):
        try:
            return parse_month(value)
        except ValidationError as error:
            raise serializers.ValidationError(error.messages) from error


class RiskPointSerializer(serializers.Serializer):
    month = serializers.DateField()
    balance = serializers.DecimalField(max_digits=18, decimal_places=2)
    spending = serializers.DecimalField(max_digits=18, decimal_places=2)
    average_spending = serializers.DecimalField(max_digits=18, decimal_places=2)
    months_covered = serializers.DecimalField(max_digits=12, decimal_places=2, allow_null=True)
    level = serializers.ChoiceField(choices=["ok", "warning", "alert"])


class RiskRowSerializer(serializers.Serializer):
    key = serializers.CharField(help_text="A county's code or 'city'.")
    label = serializers.CharField()
    fund = serializers.CharField(source="fund.code")
    points = RiskPointSerializer(many=True)
