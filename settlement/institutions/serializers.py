"""Serializers of the designated-institution API: the institution and its reviews as read,
and the input of an admission and a yearly review."""

from rest_framework import serializers

from pooling.core.periods import TEXT_MAX_LENGTH
from pooling.core.serializers import BusinessDateField, YearField
from pooling.structure.models import County
from settlement.institutions.models import DesignatedInstitution, InstitutionReview


class InstitutionReviewSerializer(serializers.ModelSerializer):
    reviewed_by = serializers.CharField(source="reviewed_by.username", default=None)

    class Meta:
        model = InstitutionReview
        fields = ["id", "kind", "year", "reviewed_on", "result", "notes", "reviewed_by"]
        read_only_fields = fields


class InstitutionSerializer(serializers.ModelSerializer):
    county_code = serializers.CharField(source="county.code", read_only=True)

    class Meta:
        model = DesignatedInstitution
        fields = [
            "id",
            "code",
            "kind",
            "name",
            "county",
            "county_code",
            "level",
            "agreement_from",
            "agreement_to",
            "status",
        ]
        read_only_fields = fields


class InstitutionAdmitSerializer(serializers.Serializer):
    county = serializers.PrimaryKeyRelatedField(queryset=County.objects.none())
    kind = serializers.ChoiceField(choices=DesignatedInstitution.Kind.choices)
    code = serializers.CharField(max_length=12)
    name = serializers.CharField(max_length=200)
    level = serializers.ChoiceField(choices=DesignatedInstitution.Level.choices)
    agreement_from = BusinessDateField()
    agreement_to = BusinessDateField()
    admitted_on = BusinessDateField()
    notes = serializers.CharField(
        max_length=TEXT_MAX_LENGTH, required=False, allow_blank=True, default=""
    )


class InstitutionReviewInputSerializer(serializers.Serializer):
    year = YearField()
    reviewed_on = BusinessDateField()
    result = serializers.ChoiceField(choices=InstitutionReview.Result.choices)
    notes = serializers.CharField(
        max_length=TEXT_MAX_LENGTH, required=False, allow_blank=True, default=""
    )
