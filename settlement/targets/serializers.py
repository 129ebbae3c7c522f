"""Serializers of the targets API: a county's targets as read and as set, a year's
assessment, and the year of a query."""

from rest_framework import serializers

from pooling.core.money import FEN, MONEY_MAX_DIGITS
from pooling.core.periods import INTEGER_MAX
from pooling.core.serializers import YearField
from pooling.structure.models import County
from settlement.targets.models import CountyTarget

MONEY = {"max_digits": MONEY_MAX_DIGITS, "decimal_places": 2}


class CountyTargetSerializer(serializers.ModelSerializer):
    county_code = serializers.CharField(source="county.code", read_only=True)
    county_name = serializers.CharField(source="county.name", read_only=True)

    class Meta:
        model = CountyTarget
        fields = [
            "id",
            "county",
            "county_code",
            "county_name",
            "year",
            "enrollment_target",
            "collection_target",
            "revenue_plan",
            "expenditure_plan",
            "set_by",
            "set_at",
        ]
        read_only_fields = fields


class CountyTargetInputSerializer(serializers.Serializer):
    county = serializers.PrimaryKeyRelatedField(queryset=County.objects.none())
    year = YearField()
    enrollment_target = serializers.IntegerField(min_value=1, max_value=INTEGER_MAX)
    collection_target = serializers.DecimalField(min_value=FEN, **MONEY)
    revenue_plan = serializers.DecimalField(min_value=FEN, **MONEY)
    expenditure_plan = serializers.DecimalField(min_value=FEN, **MONEY)


class TargetAssessmentSerializer(serializers.Serializer):
    county = serializers.IntegerField(source="county.pk")
    county_code = serializers.CharField(source="county.code")
    county_name = serializers.CharField(source="county.name")
    year = serializers.IntegerField()
    enrollment_target = serializers.IntegerField(source="target.enrollment_target", default=None)
    collection_target = serializers.DecimalField(
        source="target.collection_target", default=None, **MONEY
    )
    revenue_plan = serializers.DecimalField(source="target.revenue_plan", default=None, **MONEY)
    expenditure_plan = serializers.DecimalField(
        source="target.expenditure_plan", default=None, **MONEY
    )
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
    year = YearField()
