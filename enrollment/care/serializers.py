"""REST API of outpatient specified diseases and out-of-area filings: same capabilities and
scoping as the pages. A person outside the user's scope is an invalid choice (400); another
county's record is 404; a refused write is 400 with field errors."""

from rest_framework import serializers

from enrollment.care.models import DiseaseApplication, OutOfAreaFiling, SpecifiedDisease
from enrollment.people.models import InsuredPerson


class DiseaseApplicationSerializer(serializers.ModelSerializer):
    class Meta:
        model = DiseaseApplication
        fields = [
            "id",
            "person",
            "county",
            "disease",
            "applied_on",
            "status",
            "approved_from",
            "refusal_reason",
        ]
        read_only_fields = fields


class DiseaseApplicationInputSerializer(serializers.Serializer):
    person = serializers.PrimaryKeyRelatedField(queryset=InsuredPerson.objects.none())
    disease = serializers.PrimaryKeyRelatedField(queryset=SpecifiedDisease.objects.none())
    applied_on = serializers.DateField()


class DecisionSerializer(serializers.Serializer):
    approve = serializers.BooleanField()
    approved_from = serializers.DateField(required=False, allow_null=True, default=None)
    refusal_reason = serializers.CharField(required=False, allow_blank=True, default="")


class OutOfAreaFilingSerializer(serializers.ModelSerializer):
    class Meta:
        model = OutOfAreaFiling
        fields = [
            "id",
            "person",
            "county",
            "kind",
            "destination",
            "reason",
            "valid_from",
            "valid_to",
            "status",
            "refusal_reason",
        ]
        read_only_fields = fields


class OutOfAreaFilingInputSerializer(serializers.Serializer):
    person = serializers.PrimaryKeyRelatedField(queryset=InsuredPerson.objects.none())
    kind = serializers.ChoiceField(choices=OutOfAreaFiling.Kind.choices)
    destination = serializers.CharField(max_length=200)
    reason = serializers.CharField(max_length=300)
    valid_from = serializers.DateField()
    valid_to = serializers.DateField()
