"""API of the plan-use figures: ``GET /api/benefit-plan-use/?year=2026[&county=ID]``.
Same scope as the page: a county officer gets only their county; another county's id is a 400
naming the field, as a county that does not exist."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from pooling.selectors import counties_for
from pooling.serializers import ScopedCountyField
from settlement.benefit_selectors import benefit_plan_use_for_year


class BenefitUseQuerySerializer(serializers.Serializer):
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    county = ScopedCountyField(required=False)


class BenefitUseRowSerializer(serializers.Serializer):
    month = serializers.DateField(source="use.month")
    county = serializers.IntegerField(source="county.pk")
    county_code = serializers.CharField(source="county.code")
    fund = serializers.CharField(source="use.fund_code")
    planned = serializers.DecimalField(source="use.planned", max_digits=16, decimal_places=2)
    paid = serializers.DecimalField(source="use.paid", max_digits=16, decimal_places=2)
    remaining = serializers.DecimalField(source="use.remaining", max_digits=16, decimal_places=2)
    over_plan = serializers.BooleanField(source="use.over_plan")


class BenefitPlanUseAPIView(APIView):
    read_capability = "settlement.view_plans"

    @extend_schema(
        parameters=[BenefitUseQuerySerializer], responses=BenefitUseRowSerializer(many=True)
    )
    def get(self, request):
        query = BenefitUseQuerySerializer(data=request.query_params, context={"request": request})
        query.is_valid(raise_exception=True)
        county = query.validated_data.get("county")
        counties = [county] if county else list(counties_for(user=request.user))
        rows, _totals = benefit_plan_use_for_year(
            counties=counties, year=query.validated_data["year"]
        )
        return Response(BenefitUseRowSerializer(rows, many=True).data)
