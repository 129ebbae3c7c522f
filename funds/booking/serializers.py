"""Inputs of the contribution-booking API: the retiree credits' month and a top-up to book."""

import datetime

from rest_framework import serializers

from enrollment.contributions.serializers import TopUpInputSerializer
from enrollment.people.models import Employer, InsuredPerson
from pooling.core.money import parse_month


class RetireeCreditsInputSerializer(serializers.Serializer):
    month = serializers.RegexField(r"^\d{4}-\d{2}$", max_length=7, help_text="YYYY-MM")

    def validate_month(self, value: str) -> datetime.date:
        return parse_month(value)


class TopUpBookInputSerializer(TopUpInputSerializer):
    person = serializers.PrimaryKeyRelatedField(queryset=InsuredPerson.objects.none())
    employer = serializers.PrimaryKeyRelatedField(
        queryset=Employer.objects.none(), required=False, allow_null=True, default=None
    )
