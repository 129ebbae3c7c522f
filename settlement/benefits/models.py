"""Benefit settlements with designated institutions (J 二(四), DOMAIN §9, §11): an
institution's monthly statement per fund with the workflow of its status (submitted →
approved, in full or cut → paid), and the imported files of personal-account spending at
designated pharmacies."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from funds.ledger.models import FundType, JournalEntry
from pooling.core.money import MoneyField, validate_month_start
from pooling.core.workflow import Transition, Workflow
from pooling.structure.models import County, Municipality

# The funds an institution's monthly statement may claim from (DOMAIN §9).
BENEFIT_FUND_CODES: tuple[str, ...] = (
    "310100",
    "310200",
    "910100",
    "330100",
    "390100",
    "390200",
)


class BenefitStatement(models.Model):
    """A designated institution's monthly statement (月结算单) for one fund: visits and the
    amount claimed; the county approves it in full or cuts it with a reason, and the approved
    amount is paid from the county's expenditure account of that fund. Writes go through
    ``settlement.benefits.services``."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("submitted")
        APPROVED = "approved", _("approved")
        PAID = "paid", _("paid")

    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="+", verbose_name=_("municipality")
    )
    county = models.ForeignKey(
        County, on_delete=models.PROTECT, related_name="+", verbose_name=_("county")
    )
    institution = models.ForeignKey(
        "settlement.DesignatedInstitution",
        on_delete=models.PROTECT,
        related_name="benefit_statements",
        verbose_name=_("institution"),
    )
    month = models.DateField(_("month"), validators=[validate_month_start])
    fund_type = models.ForeignKey(
        FundType, on_delete=models.PROTECT, related_name="+", verbose_name=_("fund")
    )
    visits = models.PositiveIntegerField(_("visits"))
    amount_claimed = MoneyField(_("amount claimed"))
    amount_approved = MoneyField(_("amount approved"), null=True, blank=True)
    cut_reason = models.TextField(_("reason for the cut"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.SUBMITTED
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("entered by"),
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    payment = models.OneToOneField(
        JournalEntry,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="benefit_statement",
        verbose_name=_("payment entry"),
    )
    paid_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("paid by"),
    )
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    from_claims = models.BooleanField(
        _("computed from claims"),
        default=False,
        help_text=_("False: a total typed in for an institution that has not sent claims."),
    )
    created_at = models.DateTimeField(_("entered at"), auto_now_add=True)

    class Meta:
        ordering = ["-month", "county", "institution", "fund_type"]
        verbose_name = _("benefit statement")
        # The table keeps its name from before the feature moved to this app.
        db_table = "funds_benefitstatement"
        verbose_name_plural = _("benefit statements")
        indexes = [models.Index(fields=["county", "month"], name="benefit_county_month")]
        constraints = [
            models.UniqueConstraint(
                fields=["institution", "month", "fund_type"],
                name="one_benefit_statement_per_institution_month_fund",
            ),
            models.CheckConstraint(
                condition=Q(amount_claimed__gt=0), name="benefit_claimed_positive"
            ),
            models.CheckConstraint(
                condition=Q(amount_approved__isnull=True)
                | (Q(amount_approved__gte=0) & Q(amount_approved__lte=models.F("amount_claimed"))),
                name="benefit_approved_within_claim",
            ),
            models.CheckConstraint(
                condition=~Q(status="paid") | Q(payment__isnull=False),
                name="benefit_paid_has_entry",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.institution.code} {self.month:%Y-%m} {self.fund_type.code}"

    @property
    def amount_cut(self):
        if self.amount_approved is None:
            return None
        return self.amount_claimed - self.amount_approved


class PharmacySpendingImport(models.Model):
    """One imported file of personal-account spending at designated pharmacies: each row
    debits one person's personal account; the same file is imported once."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="+", verbose_name=_("municipality")
    )
    file_name = models.CharField(_("file name"), max_length=200)
    file_sha256 = models.CharField(_("file fingerprint"), max_length=64)
    rows = models.PositiveIntegerField(_("rows"))
    total = MoneyField(_("total"))
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("imported by"),
    )
    imported_at = models.DateTimeField(_("imported at"), auto_now_add=True)

    class Meta:
        ordering = ["-imported_at", "-pk"]
        verbose_name = _("pharmacy spending import")
        # The table keeps its name from before the feature moved to this app.
        db_table = "funds_pharmacyspendingimport"
        verbose_name_plural = _("pharmacy spending imports")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "file_sha256"], name="pharmacy_spending_file_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.imported_at:%Y-%m-%d})"


# A statement's steps: the county reviews it (approving the claim in full or cutting it with
# a reason), then pays the approved amount from its expenditure account.
BENEFIT_WORKFLOW = Workflow(
    BenefitStatement,
    [
        Transition(
            "review",
            BenefitStatement.Status.SUBMITTED,
            BenefitStatement.Status.APPROVED,
            capability="settlement.review_benefits",
            service="benefit_statement_review",
            label=_("Approve"),
            verb=_("reviewed"),
        ),
        Transition(
            "pay",
            BenefitStatement.Status.APPROVED,
            BenefitStatement.Status.PAID,
            capability="settlement.pay_benefits",
            service="benefit_statement_pay",
            label=_("Pay from the county expenditure account"),
            verb=_("paid"),
        ),
    ],
    submitter_field="entered_by",
)
