"""Serializers of the benefit-settlement API: a statement as read, the input of an entry, a
review and a file upload, and the rows of benefits against the usage plan."""

from rest_framework import serializers

from pooling.core.periods import INTEGER_MAX
from pooling.core.serializers import (
    BusinessDateField,
    ScopedCountyField,
    UploadFileField,
    YearField,
)
from settlement.benefits.models import BENEFIT_FUND_CODES, BenefitStatement
from settlement.institutions.models import DesignatedInstitution


class BenefitStatementSerializer(serializers.ModelSerializer):
    fund = serializers.CharField(source="fund_type.code", read_only=True)
    institution_code = serializers.CharField(source="institution.code", read_only=True)

    class Meta:
        model = BenefitStatement
        fields = [
            "id",
            "county",
            "institution",
            "institution_code",
            "month",
            "fund",
            "visits",
            "amount_claimed",
            "amount_approved",
            "cut_reason",
            "status",
            "payment",
        ]
        read_only_fields = fields


class BenefitStatementInputSerializer(serializers.Serializer):
    institution = serializers.PrimaryKeyRelatedField(queryset=DesignatedInstitution.objects.none())
    month = BusinessDateField(help_text="First day of the month")
    fund_code = serializers.ChoiceField(choices=BENEFIT_FUND_CODES)
    visits = serializers.IntegerField(min_value=0, max_value=INTEGER_MAX)
    amount_claimed = serializers.DecimalField(max_digits=18, decimal_places=2, min_value=0)


class BenefitReviewSerializer(serializers.Serializer):
    amount_approved = serializers.DecimalField(max_digits=18, decimal_places=2, min_value=0)
    cut_reason = serializers.CharField(required=False, allow_blank=True, default="")


class BenefitImportSerializer(serializers.Serializer):
    file = UploadFileField()


class BenefitUseQuerySerializer(serializers.Serializer):
    year = YearField()
    county = ScopedCountyField(required=False)


class BenefitUseRowSerializer(serializers.Serializer):
    month = serializers.DateField(source="use.month")
    county = serializers.IntegerField(source="county.pk")
    county_code = serializers.CharField(source="county.code")
    fund = serializers.CharField(source="use.fund_code")
    planned = serializers.DecimalField(source="use.planned", max_digits=16, decimal_places=2)
    paid = serializers.DecimalField(source="use.paid", max_digits=16, decimal_places=2)
    remaining = serializers.DecimalField(source="use.remaining", max_digits=16, decimal_places=2)
    over_plan = serializers.BooleanField(source="use.over_plan")
