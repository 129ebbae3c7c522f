"""Serializers of the final-accounts API: the query (validated like the page's filter; another
county's id is "no such county") and the columns with their lines."""

from django.utils.translation import gettext as _
from rest_framework import serializers

from funds.ledger.models import FundType
from funds.reports.selectors import EXPENDITURE_ORDER, INCOME_ORDER
from pooling.core.serializers import ScopedCountyField, YearField


class FinalAccountsQuerySerializer(serializers.Serializer):
    year = YearField()
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
