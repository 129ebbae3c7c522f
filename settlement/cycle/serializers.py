"""API serializers of the monthly cycle."""

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers

from pooling.core.money import parse_month
from settlement.cycle.models import CycleStep, MonthlyCycle, RemittanceLine


class CycleStepSerializer(serializers.ModelSerializer):
    class Meta:
        model = CycleStep
        fields = [
            "id",
            "name",
            "position",
            "status",
            "attempts",
            "started_at",
            "finished_at",
            "count",
            "amount",
            "error",
            "details",
        ]


class MonthlyCycleSerializer(serializers.ModelSerializer):
    municipality = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    steps = CycleStepSerializer(many=True, read_only=True)

    class Meta:
        model = MonthlyCycle
        fields = ["id", "municipality", "month", "status", "created_at", "finished_at", "steps"]


class CycleStartSerializer(serializers.Serializer):
    month = serializers.CharField(help_text="YYYY-MM")

    def validate_month(self, value: str):
        try:
            return parse_month(value)
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.messages) from error


class RemittanceLineSerializer(serializers.ModelSerializer):
    month = serializers.DateField(source="cycle.month", read_only=True)
    fund = serializers.CharField(source="fund_type.code", read_only=True)

    class Meta:
        model = RemittanceLine
        fields = [
            "id",
            "cycle",
            "month",
            "stage",
            "county",
            "pooling_model",
            "fund",
            "from_account",
            "to_account",
            "amount",
            "entry",
        ]
