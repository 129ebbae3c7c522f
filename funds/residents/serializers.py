"""API serializers of the resident fund's subsidies."""

from rest_framework import serializers

from enrollment.residents.models import Payer
from funds.residents.models import ResidentSubsidy, SubsidyReceipt
from pooling.core.serializers import BusinessDateField, UploadFileField
from pooling.structure.models import County


class ResidentSubsidySerializer(serializers.ModelSerializer):
    outstanding = serializers.DecimalField(max_digits=18, decimal_places=2, read_only=True)

    class Meta:
        model = ResidentSubsidy
        fields = [
            "id",
            "county",
            "benefit_year",
            "level",
            "headcount",
            "per_capita",
            "share",
            "due",
            "received",
            "outstanding",
        ]
        read_only_fields = fields


class SubsidyReceiptSerializer(serializers.ModelSerializer):
    class Meta:
        model = SubsidyReceipt
        fields = ["id", "subsidy", "reference", "amount", "received_on", "entry"]
        read_only_fields = fields


class SubsidyRequestSerializer(serializers.Serializer):
    benefit_year = serializers.IntegerField(min_value=2000, max_value=2100)


class SubsidyReceiveSerializer(serializers.Serializer):
    amount = serializers.DecimalField(max_digits=18, decimal_places=2, min_value=0)
    received_on = BusinessDateField()
    reference = serializers.CharField(max_length=60)


class AssistedCollectSerializer(serializers.Serializer):
    county = serializers.PrimaryKeyRelatedField(queryset=County.objects.none())
    benefit_year = serializers.IntegerField(min_value=2000, max_value=2100)
    payer = serializers.ChoiceField(choices=Payer.choices)
    received_on = BusinessDateField()


class CollectionImportSerializer(serializers.Serializer):
    file = UploadFileField()
    received_on = BusinessDateField()
    import_valid_rows = serializers.BooleanField(default=False)
