"""Historical balances with their time deposits, and the written applications to release part
of a frozen balance (N 三(四)5, J 二(五)2). The application base and its review → approve
steps (``application_transitions``) are shared with the deficit-subsidy applications of
``settlement.yearend``; the release applications' workflow is declared at the bottom."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from funds.ledger.models import Account, FundType, JournalEntry
from pooling.core.money import MoneyField
from pooling.core.workflow import Transition, Workflow
from pooling.structure.models import County, Municipality


class ApplicationStatus(models.TextChoices):
    """The written-application workflow: the county submits, the city agency reviews, the
    bureau approves; either may return it with a reason (N 三(四)5–6)."""

    SUBMITTED = "submitted", _("submitted")
    REVIEWED = "reviewed", _("reviewed by the agency")
    APPROVED = "approved", _("approved")
    RETURNED = "returned", _("returned")


class HistoricalBalance(models.Model):
    """A county's balance of one fund at the cut-over date (Jining: 2019-12-31), with its
    demand-deposit part; the time deposits are ``TimeDeposit`` rows. ``city_share`` (30 %,
    rule ``historical_balance_city_share``) is collected to the city; the rest stays frozen in
    the county's fiscal special account until a release or a deficit subsidy uses it."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="+", verbose_name=_("municipality")
    )
    county = models.ForeignKey(
        County, on_delete=models.PROTECT, related_name="+", verbose_name=_("county")
    )
    fund_type = models.ForeignKey(
        FundType, on_delete=models.PROTECT, related_name="+", verbose_name=_("fund")
    )
    cutover_date = models.DateField(_("cut-over date"))
    demand_deposit = MoneyField(_("demand deposit"))
    total = MoneyField(_("total balance"))
    city_share_rate = models.DecimalField(_("city share"), max_digits=7, decimal_places=4)
    city_share = MoneyField(_("collected to the city"))
    collected = MoneyField(_("collected so far"), default=0)
    released = MoneyField(_("released from the frozen part"), default=0)
    account = models.ForeignKey(
        Account,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("fiscal special account"),
    )
    opening_entry = models.OneToOneField(
        JournalEntry,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("opening entry"),
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("registered by"),
    )
    registered_at = models.DateTimeField(_("registered at"), auto_now_add=True)

    class Meta:
        ordering = ["municipality", "county", "fund_type"]
        verbose_name = _("historical balance")
        verbose_name_plural = _("historical balances")
        constraints = [
            models.UniqueConstraint(
                fields=["county", "fund_type"], name="one_historical_balance_per_county_fund"
            ),
            models.CheckConstraint(
                condition=Q(demand_deposit__gte=0)
                & Q(total__gt=0)
                & Q(collected__gte=0)
                & Q(collected__lte=models.F("city_share"))
                & Q(released__gte=0),
                name="historical_balance_amounts_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.county.name} {self.fund_type.code} {self.cutover_date}"

    @property
    def frozen_share(self):
        """The part that stays with the county (70 %)."""
        return self.total - self.city_share

    @property
    def frozen_available(self):
        """What is left of the 70 % for a release or a deficit subsidy."""
        return self.frozen_share - self.released

    @property
    def to_collect(self):
        return self.city_share - self.collected


class TimeDeposit(models.Model):
    """A time deposit of a historical balance. ``planned_collection`` is the part of the
    city's share it pays when it matures (the demand deposit first, then deposits in order of
    maturity); the daily beat job ``funds.tasks.historical_deposits_collect`` books it."""

    balance = models.ForeignKey(
        HistoricalBalance,
        on_delete=models.CASCADE,
        related_name="deposits",
        verbose_name=_("historical balance"),
    )
    amount = MoneyField(_("amount"))
    maturity_date = models.DateField(_("maturity date"))
    bank = models.CharField(_("bank"), max_length=100)
    reference = models.CharField(_("deposit reference"), max_length=60, blank=True)
    planned_collection = MoneyField(_("to collect at maturity"), default=0)
    collection_entry = models.OneToOneField(
        JournalEntry,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("collection entry"),
    )
    collected_at = models.DateTimeField(_("collected at"), null=True, blank=True)

    class Meta:
        ordering = ["balance", "maturity_date", "pk"]
        verbose_name = _("time deposit")
        verbose_name_plural = _("time deposits")
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0)
                & Q(planned_collection__gte=0)
                & Q(planned_collection__lte=models.F("amount")),
                name="time_deposit_amounts_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.bank} {self.amount:,.2f} {self.maturity_date}"


class _Application(models.Model):
    """Fields shared by the release and deficit applications: who did each step and when."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="+", verbose_name=_("municipality")
    )
    county = models.ForeignKey(
        County, on_delete=models.PROTECT, related_name="+", verbose_name=_("county")
    )
    reason = models.TextField(_("reason"))
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=ApplicationStatus.choices,
        default=ApplicationStatus.SUBMITTED,
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("submitted by"),
    )
    submitted_at = models.DateTimeField(_("submitted at"), auto_now_add=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("approved or returned by"),
    )
    decided_at = models.DateTimeField(_("approved or returned at"), null=True, blank=True)
    return_reason = models.TextField(_("reason for returning"), blank=True)

    class Meta:
        abstract = True
        ordering = ["-submitted_at", "-pk"]


class ReleaseApplication(_Application):
    """A county's application to use part of its frozen historical balance (N 三(四)5: 未经
    批准，任何部门单位不得动用暂存基金). Approval lowers the account's frozen amount."""

    balance = models.ForeignKey(
        HistoricalBalance,
        on_delete=models.PROTECT,
        related_name="releases",
        verbose_name=_("historical balance"),
    )
    amount = MoneyField(_("amount"))

    class Meta(_Application.Meta):
        verbose_name = _("release application")
        verbose_name_plural = _("release applications")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="release_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.county.name} {self.amount:,.2f}"


def deficit_attachment_path(instance, filename: str) -> str:
    """Where a deficit application's written application is stored. It stays beside the
    shared application base although deficit applications live in ``settlement.yearend``:
    migrations name it by this path."""
    return f"deficit-applications/{instance.county.code}/{instance.year}/{filename}"


def application_transitions(*, noun: str, review: str, approve: str) -> list[Transition]:
    """The steps of a written application (N 三(四)5–6): the city agency reviews (``review``
    capability), the bureau approves (``approve``), either returns it with a reason; nobody
    decides on what they submitted. ``noun`` names the services: ``<noun>_review``,
    ``<noun>_approve``, ``<noun>_return``."""
    return [
        Transition(
            "review",
            ApplicationStatus.SUBMITTED,
            ApplicationStatus.REVIEWED,
            capability=review,
            service=f"{noun}_review",
            label=_("Review"),
            verb=_("reviewed"),
            not_by_submitter=True,
        ),
        Transition(
            "approve",
            ApplicationStatus.REVIEWED,
            ApplicationStatus.APPROVED,
            capability=approve,
            service=f"{noun}_approve",
            label=_("Approve"),
            verb=_("approved"),
            not_by_submitter=True,
        ),
        Transition(
            "return",
            (ApplicationStatus.SUBMITTED, ApplicationStatus.REVIEWED),
            ApplicationStatus.RETURNED,
            capability=(review, approve),
            service=f"{noun}_return",
            label=_("Return"),
            verb=_("returned"),
            not_by_submitter=True,
        ),
    ]


RELEASE_WORKFLOW = Workflow(
    ReleaseApplication,
    application_transitions(
        noun="release", review="funds.review_history", approve="funds.approve_history"
    ),
)
