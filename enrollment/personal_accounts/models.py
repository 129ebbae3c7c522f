"""The per-person personal-account subledger (个人账户, DOMAIN §11): movements only ever
added, whose total the ledger's personal-account control account must show."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from enrollment.collection_files.models import CollectionBatch
from enrollment.contributions.models import Assessment
from enrollment.people.models import InsuredPerson
from pooling.core.money import MoneyField, validate_month_start
from pooling.structure.models import County


class PersonalAccountMovement(models.Model):
    """The per-person personal-account subledger (个人账户). Its total equals the
    personal-account control account in the ledger; movements are only ever added."""

    class Reason(models.TextChoices):
        CONTRIBUTION = "contribution", _("individual contribution collected")
        RETIREE_CREDIT = "retiree_credit", _("retiree monthly credit from the pooled fund")
        CRITICAL_ILLNESS_DEDUCTION = (
            "critical_illness_deduction",
            _("critical-illness premium deducted"),
        )
        SPENDING = "spending", _("medical spending")
        CORRECTION = "correction", _("correction")

    person = models.ForeignKey(
        InsuredPerson,
        on_delete=models.PROTECT,
        related_name="account_movements",
        verbose_name=_("person"),
        db_index=False,  # the (person, month) index serves it
    )
    county = models.ForeignKey(
        County,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("county"),
        db_constraint=False,  # see CITY_SCALE_KEYS
    )
    month = models.DateField(_("month"), validators=[validate_month_start])
    amount = MoneyField(_("amount"))
    reason = models.CharField(_("reason"), max_length=30, choices=Reason.choices)
    collection_batch = models.ForeignKey(
        CollectionBatch,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="account_movements",
        verbose_name=_("collection batch"),
    )
    assessment = models.ForeignKey(
        Assessment,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="account_movements",
        verbose_name=_("assessment"),
        db_index=False,  # the account_movement_once_per_assessment index serves it
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        ordering = ["person", "month", "pk"]
        verbose_name = _("personal-account movement")
        verbose_name_plural = _("personal-account movements")
        indexes = [models.Index(fields=["person", "month"])]
        constraints = [
            # One credit per assessment and reason: posting a batch twice adds nothing.
            models.UniqueConstraint(
                fields=["assessment", "reason"],
                condition=Q(assessment__isnull=False),
                name="account_movement_once_per_assessment",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} {self.month:%Y-%m} {self.reason} {self.amount}"
