"""API serializers of contributions: bases, base files, assessments and top-up quotes.
Input serializers validate; services write."""

from rest_framework import serializers

from enrollment.contributions.models import Assessment, ContributionBase
from enrollment.contributions.services import BaseFileKind
from enrollment.contributions.top_ups import TopUpCase
from enrollment.people.models import InsuredPerson
from pooling.core.periods import INTEGER_MAX
from pooling.core.serializers import BusinessDateField, UploadFileField, YearField


class ContributionBaseSerializer(serializers.ModelSerializer):
    class Meta:
        model = ContributionBase
        fields = ["id", "person", "year", "yearly_wage", "declared_at"]


class ContributionBaseInputSerializer(serializers.Serializer):
    person = serializers.PrimaryKeyRelatedField(queryset=InsuredPerson.objects.none())
    year = YearField()
    yearly_wage = serializers.DecimalField(max_digits=18, decimal_places=2, min_value=0)


class BaseUploadSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=[BaseFileKind.WAGES, BaseFileKind.PAYROLL])
    file = UploadFileField()
    import_valid_rows = serializers.BooleanField(required=False, default=False)


class AssessmentSerializer(serializers.ModelSerializer):
    paid = serializers.BooleanField(read_only=True)

    class Meta:
        model = Assessment
        fields = [
            "id",
            "month",
            "county",
            "person",
            "employer",
            "scope",
            "unit_type",
            "base",
            "employer_pooled_fund",
            "employer_maternity",
            "employer_critical_illness",
            "individual_pooled_fund",
            "individual_personal_account",
            "individual_critical_illness",
            "employer_total",
            "individual_total",
            "total_due",
            "retiree_account_credit",
            "paid",
        ]


class AssessmentRunSerializer(serializers.Serializer):
    month = serializers.DateField()


class TopUpInputSerializer(serializers.Serializer):
    case = serializers.ChoiceField(choices=[value for value, _label in TopUpCase.CHOICES])
    on = BusinessDateField()
    months_paid = serializers.IntegerField(
        min_value=0, max_value=INTEGER_MAX, required=False, default=0
    )
    last_base = serializers.DecimalField(
        max_digits=18, decimal_places=2, required=False, allow_null=True, default=None
    )
    last_pension = serializers.DecimalField(
        max_digits=18, decimal_places=2, required=False, allow_null=True, default=None
    )
    birth_date = serializers.DateField(required=False, allow_null=True, default=None)
    bankruptcy_date = BusinessDateField(required=False, allow_null=True, default=None)
