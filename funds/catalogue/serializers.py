"""API serializers of the fund catalogue (read only)."""

from rest_framework import serializers


class CatalogueRuleSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    source = serializers.CharField()
    demo_default = serializers.BooleanField()
    value = serializers.DecimalField(max_digits=18, decimal_places=6, allow_null=True)


class CatalogueContributionSerializer(serializers.Serializer):
    payer = serializers.CharField()
    basis = serializers.CharField()
    rules = CatalogueRuleSerializer(many=True)


class CatalogueFundSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    clause = serializers.CharField()
    flow = serializers.CharField()
    fixed_premium = serializers.BooleanField()
    contributions = CatalogueContributionSerializer(many=True)
