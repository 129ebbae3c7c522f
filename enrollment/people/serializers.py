"""API serializers of employers, insured people and episodes. Input serializers validate;
services write."""

from rest_framework import serializers

from enrollment.people.models import Employer, EnrollmentEpisode, InsuredPerson, Scope
from enrollment.people.validators import validate_credit_code, validate_resident_id
from pooling.core.serializers import BusinessDateField
from pooling.structure.models import County


class EmployerSerializer(serializers.ModelSerializer):
    class Meta:
        model = Employer
        fields = [
            "id",
            "county",
            "credit_code",
            "name",
            "unit_type",
            "status",
            "bankruptcy_date",
            "created_at",
        ]


class EmployerInputSerializer(serializers.Serializer):
    county = serializers.PrimaryKeyRelatedField(queryset=County.objects.none())
    credit_code = serializers.CharField(max_length=18, validators=[validate_credit_code])
    name = serializers.CharField(max_length=200)
    unit_type = serializers.ChoiceField(choices=Employer.UnitType.choices)


class EmployerUpdateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    unit_type = serializers.ChoiceField(choices=Employer.UnitType.choices)
    status = serializers.ChoiceField(choices=Employer.Status.choices)
    bankruptcy_date = BusinessDateField(required=False, allow_null=True, default=None)


class PersonSerializer(serializers.ModelSerializer):
    class Meta:
        model = InsuredPerson
        fields = [
            "id",
            "county",
            "id_number",
            "name",
            "birth_date",
            "sex",
            "category",
            "employer",
            "status",
            "created_at",
        ]


class PersonInputSerializer(serializers.Serializer):
    county = serializers.PrimaryKeyRelatedField(queryset=County.objects.none())
    id_number = serializers.CharField(max_length=18, validators=[validate_resident_id])
    name = serializers.CharField(max_length=100)
    category = serializers.ChoiceField(choices=Scope.choices)
    employer = serializers.PrimaryKeyRelatedField(
        queryset=Employer.objects.none(), required=False, allow_null=True, default=None
    )
    from_month = BusinessDateField()
    first_enrollment = serializers.BooleanField(required=False, default=False)


class EpisodeSerializer(serializers.ModelSerializer):
    class Meta:
        model = EnrollmentEpisode
        fields = [
            "id",
            "person",
            "scheme",
            "scope",
            "county",
            "employer",
            "from_month",
            "to_month",
            "first_enrollment",
        ]


class EpisodeInputSerializer(serializers.Serializer):
    person = serializers.PrimaryKeyRelatedField(queryset=InsuredPerson.objects.none())
    scope = serializers.ChoiceField(choices=Scope.choices)
    county = serializers.PrimaryKeyRelatedField(queryset=County.objects.none())
    employer = serializers.PrimaryKeyRelatedField(
        queryset=Employer.objects.none(), required=False, allow_null=True, default=None
    )
    from_month = BusinessDateField()
    to_month = BusinessDateField(required=False, allow_null=True, default=None)
    first_enrollment = serializers.BooleanField(required=False, default=False)
