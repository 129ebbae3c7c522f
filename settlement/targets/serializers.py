"""REST API of the year end (issue 8 items 3 and 5): county targets (read; city staff set),
the target assessment of a year, and the adjustment fund's years with their contributions and
deficit covers (read; the city agency runs a step). Same services, capabilities and county
scoping as the pages: a county officer reads only their county's rows, another county's
target is a 404; bad input is a 400 with field errors."""

from rest_framework import serializers

from pooling.structure.models import County
from settlement.targets.models import CountyTarget
from settlement.yearend.api import MIN_AMOUNT, MONEY


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
    year = serializers.IntegerField(min_value=2000, max_value=2100)
