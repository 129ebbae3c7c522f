"""Quarterly interest per fund and account (分别计息, N 三(四); DOMAIN §14).

Each fund's bank accounts earn interest separately. Banks settle demand-deposit interest on
the 20th of March, June, September and December by the accumulated-balance method; the
product computes the same figure from the ledger, the clerk sets it beside the bank's and
confirms, and the confirmed amount is booked as one interest entry.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from funds.ledger.models import Account, JournalEntry
from pooling.core.money import MoneyField
from pooling.core.workflow import Transition, Workflow
from pooling.structure.models import County, Municipality


class InterestSettlement(models.Model):
    """One account's interest of one quarter: the computed figure (Σ end-of-day balances of
    ``period_start``–``settlement_date`` × ``rate`` ÷ 360, half-up to the fen), the bank's
    figure, and once confirmed the amount booked (``entry``, into ``credited_account``)."""

    class Status(models.TextChoices):
        COMPUTED = "computed", _("computed")
        CONFIRMED = "confirmed", _("confirmed")

    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="+", verbose_name=_("municipality")
    )
    county = models.ForeignKey(
        County,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("county"),
    )
    account = models.ForeignKey(
        Account, on_delete=models.PROTECT, related_name="+", verbose_name=_("account")
    )
    credited_account = models.ForeignKey(
        Account,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("credited to"),
        help_text=_("An expenditure account's interest goes to the fiscal special account."),
    )
    settlement_date = models.DateField(_("settlement date"))
    period_start = models.DateField(_("period from"))
    days = models.PositiveIntegerField(_("days"))
    accumulated_balance = MoneyField(_("accumulated balance"))
    rate = models.DecimalField(_("annual rate"), max_digits=10, decimal_places=6)
    computed_interest = MoneyField(_("computed interest"))
    bank_interest = MoneyField(_("bank's figure"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.COMPUTED
    )
    entry = models.ForeignKey(
        JournalEntry,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("interest entry"),
    )
    computed_at = models.DateTimeField(_("computed at"), auto_now=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("confirmed by"),
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)

    class Meta:
        ordering = ["-settlement_date", "account__fund_type", "county", "account"]
        verbose_name = _("interest settlement")
        verbose_name_plural = _("interest settlements")
        constraints = [
            models.UniqueConstraint(
                fields=["account", "settlement_date"], name="interest_once_per_quarter"
            ),
            models.CheckConstraint(
                condition=Q(status="computed") | Q(bank_interest__isnull=False),
                name="interest_confirmed_has_bank_figure",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.account} {self.settlement_date}: {self.computed_interest}"

    @property
    def difference(self):
        """Bank's figure − computed (None until the bank's figure is entered)."""
        if self.bank_interest is None:
            return None
        return self.bank_interest - self.computed_interest


INTEREST_WORKFLOW = Workflow(
    InterestSettlement,
    [
        Transition(
            "confirm",
            InterestSettlement.Status.COMPUTED,
            InterestSettlement.Status.CONFIRMED,
            capability="funds.confirm_interest",
            service="interest_settlement_confirm",
            label=_("Confirm and book"),
            verb=_("confirmed"),
        ),
    ],
)
