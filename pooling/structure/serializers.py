"""API serializers of the pooling structure. Input serializers validate; services write."""

from rest_framework import serializers

from pooling.core.periods import TEXT_MAX_LENGTH
from pooling.core.serializers import BusinessDateField
from pooling.structure.models import AccessionEvaluation, County, CountyPoolingModel, PoolingModel


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
    effective_from = BusinessDateField()
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
    evaluated_on = BusinessDateField()
    result = serializers.ChoiceField(choices=AccessionEvaluation.Result.choices)
    notes = serializers.CharField(
        max_length=TEXT_MAX_LENGTH, required=False, allow_blank=True, default=""
    )
    join_date = BusinessDateField(required=False, allow_null=True, default=None)
    model_after = serializers.ChoiceField(
        choices=PoolingModel.choices, required=False, allow_blank=True, default=""
    )
