"""API serializers of outpatient specified diseases and out-of-area filings. Input serializers
validate; services write."""

from rest_framework import serializers

from enrollment.care.models import DiseaseApplication, OutOfAreaFiling, SpecifiedDisease
from enrollment.people.models import InsuredPerson
from pooling.core.serializers import BusinessDateField


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
    applied_on = BusinessDateField()


class DecisionSerializer(serializers.Serializer):
    """The decision on a filing: approve, or refuse with a reason."""

    approve = serializers.BooleanField()
    refusal_reason = serializers.CharField(required=False, allow_blank=True, default="")


class DiseaseDecisionSerializer(DecisionSerializer):
    """The assessment of an application: approved from a date, or refused with a reason."""

    approved_from = serializers.DateField(required=False, allow_null=True, default=None)


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
    valid_from = BusinessDateField()
    valid_to = BusinessDateField()
