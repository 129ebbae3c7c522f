"""API of the final accounts: ``GET /api/final-accounts/?year=2026&fund=310100
[&month_from=1&month_to=12&county=ID]``. Same scope and layout as the page; bad parameters
are a 400 naming the field (another county's id is "no such county")."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from funds.final_account_views import filtered_final_accounts
from funds.final_accounts import EXPENDITURE_ORDER, INCOME_ORDER
from funds.models import FundType
from pooling.serializers import ScopedCountyField


class FinalAccountsQuerySerializer(serializers.Serializer):
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    month_from = serializers.IntegerField(min_value=1, max_value=12, default=1)
    month_to = serializers.IntegerField(min_value=1, max_value=12, default=12)
    fund = serializers.SlugRelatedField(slug_field="code", queryset=FundType.objects.all())
    county = ScopedCountyField(required=False)

    def validate(self, data):
        if data["month_from"] > data["month_to"]:
            raise serializers.ValidationError(
                {"month_to": _("The last month comes before the first.")}
            )
        return data


def _money():
    return serializers.DecimalField(max_digits=18, decimal_places=2)


class EntityAccountsSerializer(serializers.Serializer):
    key = serializers.CharField(help_text="A county's code, 'city', 'eliminations' or 'total'.")
    label = serializers.CharField()
    opening = _money()
    income = _money()
    expenditure = _money()
    closing = _money()
    difference = _money()
    balanced = serializers.BooleanField()
    lines = serializers.SerializerMethodField()

    def get_lines(self, column) -> dict[str, str]:
        return {code: str(column.line(code)) for code in (*INCOME_ORDER, *EXPENDITURE_ORDER)}


class FinalAccountsSerializer(serializers.Serializer):
    fund = serializers.CharField(source="fund.code")
    start = serializers.DateField()
    end = serializers.DateField()
    balanced = serializers.BooleanField()
    columns = serializers.SerializerMethodField()
    unmatched = serializers.DictField(child=serializers.CharField())

    def get_columns(self, accounts) -> list[dict]:
        return EntityAccountsSerializer(accounts.all_columns(), many=True).data


class FinalAccountsAPIView(APIView):
    read_capability = "funds.view_final_accounts"

    @extend_schema(parameters=[FinalAccountsQuerySerializer], responses=FinalAccountsSerializer)
    def get(self, request):
        query = FinalAccountsQuerySerializer(
            data=request.query_params, context={"request": request}
        )
        query.is_valid(raise_exception=True)
        accounts = filtered_final_accounts(user=request.user, data=query.validated_data)
        return Response(FinalAccountsSerializer(accounts).data)
