"""API serializers of resident enrollment. Input serializers validate; services write."""

from rest_framework import serializers

from enrollment.people.models import InsuredPerson
from enrollment.residents.models import (
    AssistedGroup,
    Payer,
    ResidentCategory,
    ResidentEnrollment,
)
from pooling.core.serializers import BusinessDateField, UploadFileField


class ResidentEnrollmentSerializer(serializers.ModelSerializer):
    contribution_amount = serializers.DecimalField(
        source="contribution.amount", max_digits=18, decimal_places=2, read_only=True
    )
    contribution_paid = serializers.DecimalField(
        source="contribution.paid", max_digits=18, decimal_places=2, read_only=True
    )

    class Meta:
        model = ResidentEnrollment
        fields = [
            "id",
            "person",
            "county",
            "benefit_year",
            "category",
            "assisted_group",
            "payer",
            "enrolled_on",
            "late",
            "years_without_enrollment",
            "waiting_months",
            "benefits_from",
            "continuous_years",
            "claim_free_years",
            "ceiling_increment",
            "claim_free",
            "contribution_amount",
            "contribution_paid",
        ]
        read_only_fields = fields


class ResidentEnrollInputSerializer(serializers.Serializer):
    person = serializers.PrimaryKeyRelatedField(queryset=InsuredPerson.objects.none())
    benefit_year = serializers.IntegerField(min_value=2000, max_value=2100)
    category = serializers.ChoiceField(choices=ResidentCategory.choices)
    assisted_group = serializers.ChoiceField(
        choices=AssistedGroup.choices, default=AssistedGroup.NONE
    )
    payer = serializers.ChoiceField(choices=Payer.choices, default=Payer.SELF)
    enrolled_on = BusinessDateField()


class BenefitYearSerializer(serializers.Serializer):
    benefit_year = serializers.IntegerField(min_value=2000, max_value=2100)


class ResidentImportSerializer(serializers.Serializer):
    file = UploadFileField()
    import_valid_rows = serializers.BooleanField(default=False)


class ClaimFreeSerializer(serializers.Serializer):
    claim_free = serializers.BooleanField()
