"""Claims (结算记录) of designated institutions with the national settlement interface's field
names (DOMAIN §15), and what their settlement computed (J 二(四)2)."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from enrollment.people.models import InsuredPerson, Scheme
from pooling.core.money import MoneyField, validate_month_start
from pooling.structure.models import County, Municipality
from settlement.benefits.standards.models import (
    BenefitStandard,
    MedicalType,
    PersonCategory,
    Referral,
)


class Claim(models.Model):
    """One settlement record of an institution: the inputs as the institution sends them
    (``medfee_sumamt`` … ``inscp_scp_amt``) and the outputs the settlement computes
    (``act_pay_dedc`` … ``psn_cash_pay``). A refund (退费) is a claim that ``reverses`` a settled
    one: its inputs are the original's negated and its outputs reverse the original's, so the
    person's yearly accumulators follow it. Writes go through
    ``settlement.benefits.claims.services``."""

    class Status(models.TextChoices):
        ACCEPTED = "accepted", _("accepted, awaiting settlement")
        SETTLED = "settled", _("settled")

    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="+", verbose_name=_("municipality")
    )
    county = models.ForeignKey(
        County, on_delete=models.PROTECT, related_name="+", verbose_name=_("county")
    )
    institution = models.ForeignKey(
        "settlement.DesignatedInstitution",
        on_delete=models.PROTECT,
        related_name="claims",
        verbose_name=_("institution"),
    )
    person = models.ForeignKey(
        InsuredPerson, on_delete=models.PROTECT, related_name="claims", verbose_name=_("person")
    )
    setl_id = models.CharField(_("settlement id (setl_id)"), max_length=40)
    med_type = models.CharField(_("medical type"), max_length=20, choices=MedicalType.choices)
    referral = models.CharField(
        _("referral"), max_length=20, choices=Referral.choices, default=Referral.IN_CITY
    )
    begndate = models.DateField(_("admission or visit date (begndate)"))
    setl_time = models.DateTimeField(_("settlement time (setl_time)"))
    month = models.DateField(_("settlement month"), validators=[validate_month_start])
    scheme = models.CharField(_("scheme"), max_length=20, choices=Scheme.choices)
    person_category = models.CharField(
        _("person category"), max_length=20, choices=PersonCategory.choices
    )
    acct_used_flag = models.BooleanField(_("pay from the personal account (acct_used_flag)"))
    reverses = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="refund",
        verbose_name=_("refund of"),
    )
    # Inputs, as the institution's system sends them.
    medfee_sumamt = MoneyField(_("total cost (medfee_sumamt)"))
    fulamt_ownpay_amt = MoneyField(_("fully self-paid (fulamt_ownpay_amt)"))
    overlmt_selfpay = MoneyField(_("over-limit self-paid (overlmt_selfpay)"))
    preselfpay_amt = MoneyField(_("class-B pre-paid self part (preselfpay_amt)"))
    inscp_scp_amt = MoneyField(_("in-policy amount (inscp_scp_amt)"))
    # Outputs of the settlement.
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.ACCEPTED
    )
    standard = models.ForeignKey(
        BenefitStandard,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="claims",
        verbose_name=_("benefit standard used"),
    )
    admission_number = models.IntegerField(_("admission of the year"), null=True, blank=True)
    act_pay_dedc = MoneyField(_("deductible borne (act_pay_dedc)"), null=True, blank=True)
    pool_prop_selfpay = models.DecimalField(
        _("ratio applied (pool_prop_selfpay)"),
        max_digits=5,
        decimal_places=4,
        null=True,
        blank=True,
    )
    ceiling_used_before = MoneyField(_("basic fund paid this year before"), null=True, blank=True)
    ceiling_used_after = MoneyField(_("basic fund paid this year after"), null=True, blank=True)
    hifp_pay = MoneyField(_("basic fund payment (hifp_pay)"), null=True, blank=True)
    segment_base = MoneyField(_("in-policy cost above the ceiling"), null=True, blank=True)
    hifmi_pay = MoneyField(_("critical-illness payment (hifmi_pay)"), null=True, blank=True)
    hifob_pay = MoneyField(_("large-expense payment (hifob_pay)"), null=True, blank=True)
    maf_pay = MoneyField(_("medical assistance (maf_pay)"), null=True, blank=True)
    fund_pay_sumamt = MoneyField(_("all funds (fund_pay_sumamt)"), null=True, blank=True)
    psn_part_amt = MoneyField(_("person's part (psn_part_amt)"), null=True, blank=True)
    account_balance = MoneyField(_("personal account available"), null=True, blank=True)
    acct_pay = MoneyField(_("personal account payment (acct_pay)"), null=True, blank=True)
    psn_cash_pay = MoneyField(_("cash (psn_cash_pay)"), null=True, blank=True)
    settled_at = models.DateTimeField(_("settled at"), null=True, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("entered by"),
    )
    created_at = models.DateTimeField(_("entered at"), auto_now_add=True)

    class Meta:
        ordering = ["-setl_time", "-pk"]
        verbose_name = _("claim")
        verbose_name_plural = _("claims")
        indexes = [
            models.Index(fields=["person", "setl_time"], name="claim_person_time"),
            models.Index(fields=["municipality", "month"], name="claim_month"),
            models.Index(fields=["institution", "month"], name="claim_institution_month"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "setl_id"], name="claim_settlement_id_once"
            ),
            models.CheckConstraint(
                condition=Q(
                    inscp_scp_amt=F("medfee_sumamt")
                    - F("fulamt_ownpay_amt")
                    - F("overlmt_selfpay")
                    - F("preselfpay_amt")
                ),
                name="claim_in_policy_is_total_less_self_paid",
            ),
            models.CheckConstraint(
                condition=Q(reverses__isnull=False)
                | Q(
                    medfee_sumamt__gte=0,
                    fulamt_ownpay_amt__gte=0,
                    overlmt_selfpay__gte=0,
                    preselfpay_amt__gte=0,
                    inscp_scp_amt__gte=0,
                ),
                name="claim_amounts_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(status="accepted") | Q(hifp_pay__isnull=False),
                name="claim_settled_has_outputs",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.setl_id} {self.person_id} {self.medfee_sumamt}"

    @property
    def is_refund(self) -> bool:
        return self.reverses_id is not None
