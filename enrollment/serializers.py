"""API serializers of enrollment. Input serializers validate; services write."""

from rest_framework import serializers

from enrollment.contributions import TopUpCase
from enrollment.models import (
    Assessment,
    CollectionBatch,
    CollectionRow,
    ContributionBase,
    Employer,
    EnrollmentEpisode,
    InsuredPerson,
    Scope,
)
from enrollment.services import BaseFileKind
from enrollment.validators import validate_credit_code, validate_resident_id
from pooling.models import County


class EmployerSerializer(serializers.ModelSerializer):
    class Meta:
        model = Employer
        fields = [
            "id", "county", "credit_code", "name", "unit_type", "status", "bankruptcy_date",
            "created_at",
        ]  # fmt: skip


class EmployerInputSerializer(serializers.Serializer):
    county = serializers.PrimaryKeyRelatedField(queryset=County.objects.none())
    credit_code = serializers.CharField(max_length=18, validators=[validate_credit_code])
    name = serializers.CharField(max_length=200)
    unit_type = serializers.ChoiceField(choices=Employer.UnitType.choices)


class EmployerUpdateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    unit_type = serializers.ChoiceField(choices=Employer.UnitType.choices)
    status = serializers.ChoiceField(choices=Employer.Status.choices)
    bankruptcy_date = serializers.DateField(required=False, allow_null=True, default=None)


class PersonSerializer(serializers.ModelSerializer):
    class Meta:
        model = InsuredPerson
        fields = [
            "id", "county", "id_number", "name", "birth_date", "sex", "category", "employer",
            "status", "created_at",
        ]  # fmt: skip


class PersonInputSerializer(serializers.Serializer):
    county = serializers.PrimaryKeyRelatedField(queryset=County.objects.none())
    id_number = serializers.CharField(max_length=18, validators=[validate_resident_id])
    name = serializers.CharField(max_length=100)
    category = serializers.ChoiceField(choices=Scope.choices)
    employer = serializers.PrimaryKeyRelatedField(
        queryset=Employer.objects.none(), required=False, allow_null=True, default=None
    )
    from_month = serializers.DateField()
    first_enrollment = serializers.BooleanField(required=False, default=False)


class EpisodeSerializer(serializers.ModelSerializer):
    class Meta:
        model = EnrollmentEpisode
        fields = [
            "id", "person", "scheme", "scope", "county", "employer", "from_month", "to_month",
            "first_enrollment",
        ]  # fmt: skip


class EpisodeInputSerializer(serializers.Serializer):
    person = serializers.PrimaryKeyRelatedField(queryset=InsuredPerson.objects.none())
    scope = serializers.ChoiceField(choices=Scope.choices)
    county = serializers.PrimaryKeyRelatedField(queryset=County.objects.none())
    employer = serializers.PrimaryKeyRelatedField(
        queryset=Employer.objects.none(), required=False, allow_null=True, default=None
    )
    from_month = serializers.DateField()
    to_month = serializers.DateField(required=False, allow_null=True, default=None)
    first_enrollment = serializers.BooleanField(required=False, default=False)


class ContributionBaseSerializer(serializers.ModelSerializer):
    class Meta:
        model = ContributionBase
        fields = ["id", "person", "year", "yearly_wage", "declared_at"]


class ContributionBaseInputSerializer(serializers.Serializer):
    person = serializers.PrimaryKeyRelatedField(queryset=InsuredPerson.objects.none())
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    yearly_wage = serializers.DecimalField(max_digits=18, decimal_places=2, min_value=0)


class BaseUploadSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=[BaseFileKind.WAGES, BaseFileKind.PAYROLL])
    file = serializers.FileField()
    import_valid_rows = serializers.BooleanField(required=False, default=False)


class AssessmentSerializer(serializers.ModelSerializer):
    paid = serializers.BooleanField(read_only=True)

    class Meta:
        model = Assessment
        fields = [
            "id", "month", "county", "person", "employer", "scope", "unit_type", "base",
            "employer_pooled_fund", "employer_maternity", "employer_critical_illness",
            "individual_pooled_fund", "individual_personal_account",
            "individual_critical_illness", "employer_total", "individual_total", "total_due",
            "retiree_account_credit", "paid",
        ]  # fmt: skip


class AssessmentRunSerializer(serializers.Serializer):
    month = serializers.DateField()


class CollectionBatchSerializer(serializers.ModelSerializer):
    class Meta:
        model = CollectionBatch
        fields = [
            "id", "file_name", "file_sha256", "status", "row_count", "total_amount",
            "allocated_amount", "unallocated_amount", "imported_at", "posted_at",
        ]  # fmt: skip


class CollectionRowSerializer(serializers.ModelSerializer):
    class Meta:
        model = CollectionRow
        fields = [
            "id", "row_number", "payer_code", "month", "amount", "outcome", "reason", "county",
            "employer", "person", "allocated_amount", "unallocated_amount",
        ]  # fmt: skip


class CollectionUploadSerializer(serializers.Serializer):
    file = serializers.FileField()


class TopUpInputSerializer(serializers.Serializer):
    case = serializers.ChoiceField(choices=[value for value, _label in TopUpCase.CHOICES])
    on = serializers.DateField()
    months_paid = serializers.IntegerField(min_value=0, required=False, default=0)
    last_base = serializers.DecimalField(
        max_digits=18, decimal_places=2, required=False, allow_null=True, default=None
    )
    last_pension = serializers.DecimalField(
        max_digits=18, decimal_places=2, required=False, allow_null=True, default=None
    )
    birth_date = serializers.DateField(required=False, allow_null=True, default=None)
    bankruptcy_date = serializers.DateField(required=False, allow_null=True, default=None)
