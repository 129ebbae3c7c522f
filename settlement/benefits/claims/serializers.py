"""Serializers of the claim API: the national field names in and out."""

from rest_framework import serializers

from pooling.core.serializers import UploadFileField
from settlement.benefits.claims.models import Claim
from settlement.benefits.standards.models import MedicalType, Referral
from settlement.institutions.models import DesignatedInstitution

MONEY = {"max_digits": 18, "decimal_places": 2, "min_value": 0}


class ClaimSerializer(serializers.ModelSerializer):
    certno = serializers.CharField(source="person.id_number", read_only=True)
    fixmedins_code = serializers.CharField(source="institution.code", read_only=True)

    class Meta:
        model = Claim
        fields = [
            "id",
            "setl_id",
            "certno",
            "fixmedins_code",
            "county",
            "med_type",
            "referral",
            "begndate",
            "setl_time",
            "month",
            "scheme",
            "person_category",
            "acct_used_flag",
            "reverses",
            "medfee_sumamt",
            "fulamt_ownpay_amt",
            "overlmt_selfpay",
            "preselfpay_amt",
            "inscp_scp_amt",
            "status",
            "standard",
            "admission_number",
            "act_pay_dedc",
            "pool_prop_selfpay",
            "ceiling_used_before",
            "ceiling_used_after",
            "hifp_pay",
            "hifmi_pay",
            "hifob_pay",
            "maf_pay",
            "fund_pay_sumamt",
            "psn_part_amt",
            "acct_pay",
            "psn_cash_pay",
        ]
        read_only_fields = fields


class ClaimInputSerializer(serializers.Serializer):
    setl_id = serializers.CharField(max_length=40)
    certno = serializers.CharField(max_length=18)
    fixmedins_code = serializers.SlugRelatedField(
        slug_field="code", queryset=DesignatedInstitution.objects.none()
    )
    med_type = serializers.ChoiceField(choices=MedicalType.choices)
    referral = serializers.ChoiceField(choices=Referral.choices, default=Referral.IN_CITY)
    begndate = serializers.DateField()
    setl_time = serializers.DateTimeField()
    acct_used_flag = serializers.BooleanField(default=False)
    medfee_sumamt = serializers.DecimalField(**MONEY)
    fulamt_ownpay_amt = serializers.DecimalField(**MONEY)
    overlmt_selfpay = serializers.DecimalField(**MONEY)
    preselfpay_amt = serializers.DecimalField(**MONEY)
    inscp_scp_amt = serializers.DecimalField(**MONEY)


class ClaimImportSerializer(serializers.Serializer):
    file = UploadFileField()
    import_valid_rows = serializers.BooleanField(default=False)


class ClaimSettleSerializer(serializers.Serializer):
    month = serializers.DateField(help_text="First day of the month")


class ClaimRefundSerializer(serializers.Serializer):
    setl_id = serializers.CharField(max_length=40)
    setl_time = serializers.DateTimeField()


class SettlementResultSerializer(serializers.Serializer):
    settled = serializers.IntegerField()
    unpriced = serializers.IntegerField()


class StatementsFromClaimsSerializer(serializers.Serializer):
    written = serializers.IntegerField()
    kept = serializers.ListField(child=serializers.CharField())
