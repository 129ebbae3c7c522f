"""Serializers of the benefit-standard API."""

from rest_framework import serializers

from enrollment.people.models import Scheme
from settlement.benefits.standards.models import (
    BenefitStandard,
    InstitutionLevel,
    MedicalType,
    PersonCategory,
    Referral,
    SegmentFund,
)

MONEY = {"max_digits": 18, "decimal_places": 2, "min_value": 0}
RATIO = {"max_digits": 5, "decimal_places": 4, "min_value": 0, "max_value": 1}


class BenefitStandardSerializer(serializers.ModelSerializer):
    class Meta:
        model = BenefitStandard
        fields = [
            "id",
            "scheme",
            "person_category",
            "institution_level",
            "medical_type",
            "referral",
            "deductible",
            "deductible_repeat",
            "payment_ratio",
            "annual_ceiling",
            "segment_fund",
            "segment_ratio",
            "segment_ceiling",
            "effective_from",
            "effective_to",
            "demo_default",
            "note",
        ]
        read_only_fields = fields


class BenefitStandardInputSerializer(serializers.Serializer):
    scheme = serializers.ChoiceField(choices=Scheme.choices)
    person_category = serializers.ChoiceField(choices=PersonCategory.choices)
    institution_level = serializers.ChoiceField(choices=InstitutionLevel.choices)
    medical_type = serializers.ChoiceField(choices=MedicalType.choices)
    referral = serializers.ChoiceField(choices=Referral.choices)
    deductible = serializers.DecimalField(**MONEY)
    deductible_repeat = serializers.DecimalField(required=False, allow_null=True, **MONEY)
    payment_ratio = serializers.DecimalField(**RATIO)
    annual_ceiling = serializers.DecimalField(**MONEY)
    segment_fund = serializers.ChoiceField(choices=SegmentFund.choices, default=SegmentFund.NONE)
    segment_ratio = serializers.DecimalField(default=0, **RATIO)
    segment_ceiling = serializers.DecimalField(default=0, **MONEY)
    effective_from = serializers.DateField()
    effective_to = serializers.DateField(required=False, allow_null=True)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)
