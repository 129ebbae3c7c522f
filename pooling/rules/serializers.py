"""API serializers of the rule versions. The input serializer validates; the service writes."""

from rest_framework import serializers

from pooling.core.serializers import BusinessDateField
from pooling.rules.catalogue import RULES
from pooling.rules.models import PolicyRule
from pooling.structure.models import County


class PolicyRuleSerializer(serializers.ModelSerializer):
    municipality = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = PolicyRule
        fields = [
            "id",
            "municipality",
            "county",
            "key",
            "value",
            "effective_from",
            "effective_to",
            "note",
            "created_at",
        ]


class PolicyRuleInputSerializer(serializers.Serializer):
    key = serializers.ChoiceField(choices=sorted(RULES))
    county = serializers.PrimaryKeyRelatedField(
        queryset=County.objects.none(), required=False, allow_null=True, default=None
    )
    value = serializers.DecimalField(max_digits=20, decimal_places=6, min_value=0)
    effective_from = BusinessDateField()
    effective_to = BusinessDateField(required=False, allow_null=True, default=None)
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
