"""The resident fund's fiscal subsidies (DOMAIN §13; J 二(二)2): per county, benefit year and
finance level, what is due (the year's enrolled headcount × the per-capita subsidy × the
level's share) and what was received, each receipt a ledger entry of fund 390100."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from funds.ledger.models import JournalEntry
from pooling.core.money import MoneyField
from pooling.structure.models import County, Municipality


class SubsidyLevel(models.TextChoices):
    CENTRAL = "central", _("central finance")
    PROVINCIAL = "provincial", _("provincial finance")
    CITY = "city", _("city finance")
    COUNTY = "county", _("county finance")


# The dated rule of each level's share (``pooling/rules/catalogue.py``).
SHARE_RULE = {
    SubsidyLevel.CENTRAL: "resident_subsidy_share_central",
    SubsidyLevel.PROVINCIAL: "resident_subsidy_share_provincial",
    SubsidyLevel.CITY: "resident_subsidy_share_city",
    SubsidyLevel.COUNTY: "resident_subsidy_share_county",
}


class ResidentSubsidy(models.Model):
    """One level's subsidy to one county's resident fund for one benefit year, as requested
    (``funds.residents.services.resident_subsidy_request``)."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="+", verbose_name=_("municipality")
    )
    county = models.ForeignKey(
        County, on_delete=models.PROTECT, related_name="+", verbose_name=_("county")
    )
    benefit_year = models.PositiveSmallIntegerField(_("benefit year"))
    level = models.CharField(_("finance level"), max_length=20, choices=SubsidyLevel.choices)
    headcount = models.PositiveIntegerField(_("enrolled residents"))
    per_capita = MoneyField(_("subsidy per resident"))
    share = models.DecimalField(_("share"), max_digits=6, decimal_places=4)
    due = MoneyField(_("due"))
    received = MoneyField(_("received"), default=0)
    requested_at = models.DateTimeField(_("requested at"))

    class Meta:
        ordering = ["-benefit_year", "county", "level"]
        verbose_name = _("resident fiscal subsidy")
        verbose_name_plural = _("resident fiscal subsidies")
        constraints = [
            models.UniqueConstraint(
                fields=["county", "benefit_year", "level"], name="resident_subsidy_once"
            ),
            models.CheckConstraint(condition=Q(received__gte=0), name="resident_subsidy_received"),
        ]

    def __str__(self) -> str:
        return f"{self.county.name} {self.benefit_year} {self.get_level_display()}"

    @property
    def outstanding(self):
        return self.due - self.received


class SubsidyReceipt(models.Model):
    """Money received from one level for one subsidy, under the finance voucher's reference;
    a reference is booked once (``entry`` carries the idempotency key)."""

    subsidy = models.ForeignKey(
        ResidentSubsidy,
        on_delete=models.PROTECT,
        related_name="receipts",
        verbose_name=_("subsidy"),
    )
    reference = models.CharField(_("voucher reference"), max_length=60)
    amount = MoneyField(_("amount"))
    received_on = models.DateField(_("received on"))
    entry = models.ForeignKey(
        JournalEntry, on_delete=models.PROTECT, related_name="+", verbose_name=_("ledger entry")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-received_on", "-pk"]
        verbose_name = _("subsidy receipt")
        verbose_name_plural = _("subsidy receipts")
        constraints = [
            models.UniqueConstraint(
                fields=["subsidy", "reference"], name="subsidy_receipt_reference_once"
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="subsidy_receipt_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.subsidy} {self.reference}"
