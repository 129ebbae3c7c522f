"""API serializers of the pooling structure. Input serializers validate; services write."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from pooling.models import (
    AccessionEvaluation,
    AuditEvent,
    CalendarOverride,
    County,
    CountyPoolingModel,
    PolicyRule,
    PoolingModel,
)
from pooling.rules import RULES
from pooling.selectors import counties_for


class ScopedCountyField(serializers.IntegerField):
    """A county id in a query, resolved to a county the requesting user may see. Another
    county's id reads like one that does not exist, so a county officer learns nothing."""

    default_error_messages = {"no_such_county": _("No such county.")}

    def to_internal_value(self, data) -> County:
        pk = super().to_internal_value(data)
        county = counties_for(user=self.context["request"].user).filter(pk=pk).first()
        if county is None:
            self.fail("no_such_county")
        return county


class CountySerializer(serializers.ModelSerializer):
    municipality = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = County
        fields = [
            "id",
            "municipality",
            "code",
            "name",
            "name_en",
            "kind",
            "member_from",
            "member_to",
            "accession_date",
        ]


class CountyPoolingModelSerializer(serializers.ModelSerializer):
    class Meta:
        model = CountyPoolingModel
        fields = ["id", "county", "model", "effective_from", "effective_to", "note"]
        read_only_fields = ["effective_to"]


class PoolingModelInputSerializer(serializers.Serializer):
    county = serializers.PrimaryKeyRelatedField(queryset=County.objects.none())
    model = serializers.ChoiceField(choices=PoolingModel.choices)
    effective_from = serializers.DateField()
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class AccessionEvaluationSerializer(serializers.ModelSerializer):
    decided_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = AccessionEvaluation
        fields = [
            "id",
            "county",
            "evaluated_on",
            "result",
            "notes",
            "join_date",
            "model_after",
            "decided_by",
            "created_at",
        ]


class AccessionInputSerializer(serializers.Serializer):
    county = serializers.PrimaryKeyRelatedField(queryset=County.objects.none())
    evaluated_on = serializers.DateField()
    result = serializers.ChoiceField(choices=AccessionEvaluation.Result.choices)
    notes = serializers.CharField(required=False, allow_blank=True, default="")
    join_date = serializers.DateField(required=False, allow_null=True, default=None)
    model_after = serializers.ChoiceField(
        choices=PoolingModel.choices, required=False, allow_blank=True, default=""
    )


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
    effective_from = serializers.DateField()
    effective_to = serializers.DateField(required=False, allow_null=True, default=None)
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class CalendarOverrideSerializer(serializers.ModelSerializer):
    class Meta:
        model = CalendarOverride
        fields = ["id", "date", "is_workday", "note"]


class WorkingDaysQuerySerializer(serializers.Serializer):
    start = serializers.DateField()
    days = serializers.IntegerField(min_value=0, max_value=60)


class AuditEventSerializer(serializers.ModelSerializer):
    actor = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = AuditEvent
        fields = [
            "id",
            "at",
            "actor",
            "action",
            "object_type",
            "object_id",
            "object_repr",
            "county",
            "before",
            "after",
        ]
