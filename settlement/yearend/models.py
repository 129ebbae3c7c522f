"""The year end's two ways of covering a county's deficit: the written applications for a
deficit subsidy with their workflow (N 三(四)6), and the adjustment fund's year end — each
tier's contribution and each deficit's cover, layer by layer (Z 四(九))."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from funds.history.models import _Application, application_transitions, deficit_attachment_path
from funds.ledger.models import Account, FundType, JournalEntry
from pooling.core.money import MoneyField, validate_month_start
from pooling.core.workflow import Workflow
from pooling.structure.models import County, Municipality

# A written application: PDF, scans or office documents, at most 10 MB.
ATTACHMENT_TYPES = (".pdf", ".jpg", ".jpeg", ".png", ".doc", ".docx", ".ofd")
ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024


class DeficitApplication(_Application):
    """A county's written application for a deficit subsidy of one fund and year (N 三(四)6).
    The amounts are fixed at submission from the ledger (the county's year result) and the
    split at approval; ``settlement.yearend.services`` books it."""

    fund_type = models.ForeignKey(
        FundType, on_delete=models.PROTECT, related_name="+", verbose_name=_("fund")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    attachment = models.FileField(_("written application"), upload_to=deficit_attachment_path)
    revenue = MoneyField(_("revenue"))
    spending = MoneyField(_("spending"))
    deficit = MoneyField(_("deficit"))
    before_accession = MoneyField(_("of which before accession"), default=0)
    from_history = MoneyField(_("from the historical balance"), null=True, blank=True)
    city_share = MoneyField(_("city fund"), null=True, blank=True)
    county_share = MoneyField(_("county government"), null=True, blank=True)
    city_share_rate = models.DecimalField(
        _("city share of the rest"), max_digits=7, decimal_places=4, null=True, blank=True
    )

    class Meta(_Application.Meta):
        verbose_name = _("deficit subsidy application")
        # The table keeps its name from before the feature moved to this app.
        db_table = "funds_deficitapplication"
        verbose_name_plural = _("deficit subsidy applications")
        constraints = [
            models.CheckConstraint(condition=Q(deficit__gt=0), name="deficit_positive"),
            models.UniqueConstraint(
                fields=["county", "fund_type", "year"],
                condition=~Q(status="returned"),
                name="one_open_deficit_application",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.county.name} {self.year} {self.fund_type.code}"


class AdjustmentYear(models.Model):
    """One municipality's year end of the adjustment fund: when the contributions and the
    deficit waterfall ran and who ran them, and the month the entries post in (fixed at the
    first run, so a rerun presents the ledger with exactly the same entries)."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="+", verbose_name=_("municipality")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    posting_month = models.DateField(_("posting month"), validators=[validate_month_start])
    effective_date = models.DateField(_("effective date"))
    contributions_at = models.DateTimeField(_("contributions booked at"), null=True, blank=True)
    contributions_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("contributions booked by"),
    )
    waterfall_at = models.DateTimeField(_("waterfall run at"), null=True, blank=True)
    waterfall_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("waterfall run by"),
    )

    class Meta:
        ordering = ["municipality", "-year"]
        verbose_name = _("adjustment-fund year")
        verbose_name_plural = _("adjustment-fund years")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "year"], name="one_adjustment_year_per_city"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.municipality} {self.year}"


class AdjustmentContribution(models.Model):
    """One tier's contribution of one fund to the city adjustment fund: the rate in force
    times the year's actual collections of that fund, booked from the tier's account into the
    city's adjustment-fund account of the same fund (Z 四(九): booked per source)."""

    adjustment_year = models.ForeignKey(
        AdjustmentYear,
        on_delete=models.PROTECT,
        related_name="contributions",
        verbose_name=_("adjustment-fund year"),
    )
    county = models.ForeignKey(
        County, on_delete=models.PROTECT, related_name="+", verbose_name=_("source tier")
    )
    fund_type = models.ForeignKey(
        FundType, on_delete=models.PROTECT, related_name="+", verbose_name=_("fund")
    )
    collections = MoneyField(_("actual collections"))
    rate = models.DecimalField(_("rate"), max_digits=8, decimal_places=6)
    amount_due = MoneyField(_("contribution due"), default=0)
    amount = MoneyField(
        _("contribution paid"),
        help_text=_(
            "What the tier's fund could pay: a fund overdrawn in the year pays at most its "
            "available balance; the rest is not extracted."
        ),
    )
    source_account = models.ForeignKey(
        Account, on_delete=models.PROTECT, related_name="+", verbose_name=_("paid from")
    )
    entry = models.ForeignKey(
        JournalEntry,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ledger entry"),
    )

    class Meta:
        ordering = ["adjustment_year", "county", "fund_type"]
        verbose_name = _("adjustment-fund contribution")
        verbose_name_plural = _("adjustment-fund contributions")
        constraints = [
            models.UniqueConstraint(
                fields=["adjustment_year", "county", "fund_type"],
                name="one_contribution_per_tier_and_fund",
            ),
            models.CheckConstraint(
                condition=models.Q(amount_due__gt=0, amount__gte=0, amount__lte=F("amount_due")),
                name="contribution_paid_within_due",
            ),
            models.CheckConstraint(
                condition=models.Q(amount=0) | models.Q(entry__isnull=False),
                name="contribution_paid_has_entry",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.county.name} {self.fund_type.code}: {self.amount}"

    @property
    def shortfall(self):
        """The part of the contribution the tier's fund could not pay."""
        return self.amount_due - self.amount


class DeficitCover(models.Model):
    """How one tier's current deficit in one fund was covered (Z 四(九)): first its own
    accumulated balance, then the adjustment fund, then city and county finance split by
    how well the tier met its targets. The figures of the formula are kept as computed."""

    adjustment_year = models.ForeignKey(
        AdjustmentYear,
        on_delete=models.PROTECT,
        related_name="covers",
        verbose_name=_("adjustment-fund year"),
    )
    county = models.ForeignKey(
        County, on_delete=models.PROTECT, related_name="+", verbose_name=_("tier")
    )
    fund_type = models.ForeignKey(
        FundType, on_delete=models.PROTECT, related_name="+", verbose_name=_("fund")
    )
    revenue = MoneyField(_("revenue"))
    spending = MoneyField(_("spending"))
    contribution = MoneyField(_("contribution"))
    deficit = MoneyField(_("deficit"))
    own_balance = MoneyField(_("own accumulated balance"))
    own_used = MoneyField(_("from own balance"))
    adjustment_used = MoneyField(_("from the adjustment fund"))
    completion = models.DecimalField(
        _("target completion"), max_digits=7, decimal_places=4, null=True, blank=True
    )
    county_share = models.DecimalField(_("county finance share"), max_digits=7, decimal_places=4)
    city_finance = MoneyField(_("from city finance"))
    county_finance = MoneyField(_("from county finance"))
    entries = models.ManyToManyField(
        JournalEntry, related_name="+", blank=True, verbose_name=_("ledger entries")
    )

    class Meta:
        ordering = ["adjustment_year", "county", "fund_type"]
        verbose_name = _("deficit cover")
        verbose_name_plural = _("deficit covers")
        constraints = [
            models.UniqueConstraint(
                fields=["adjustment_year", "county", "fund_type"],
                name="one_cover_per_tier_and_fund",
            ),
            models.CheckConstraint(
                condition=models.Q(deficit__gt=0), name="cover_deficit_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.county.name} {self.fund_type.code}: {self.deficit}"


class CoveredDeficit(models.Model):
    """The register of covered deficits: a county's deficit of one fund and year is covered
    once, by the one mechanism its pooling model defines — a deficit subsidy under unified
    collection and expenditure (N 三(四)6) or the adjustment-fund waterfall under tiered
    pooling with an adjustment fund (Z 四(九)). The unique constraint makes the database
    refuse a second cover, whichever service (or raw SQL) tries it."""

    class Mechanism(models.TextChoices):
        SUBSIDY = "subsidy", _("deficit subsidy")
        ADJUSTMENT_FUND = "adjustment_fund", _("adjustment fund")

    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="+", verbose_name=_("municipality")
    )
    county = models.ForeignKey(
        County, on_delete=models.PROTECT, related_name="+", verbose_name=_("county")
    )
    fund_type = models.ForeignKey(
        FundType, on_delete=models.PROTECT, related_name="+", verbose_name=_("fund")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    mechanism = models.CharField(_("covered by"), max_length=20, choices=Mechanism.choices)
    application = models.OneToOneField(
        DeficitApplication,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("deficit application"),
    )
    waterfall_cover = models.OneToOneField(
        DeficitCover,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("deficit cover"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-year", "county", "fund_type"]
        verbose_name = _("covered deficit")
        verbose_name_plural = _("covered deficits")
        constraints = [
            models.UniqueConstraint(
                fields=["county", "fund_type", "year"], name="one_cover_per_county_fund_year"
            ),
            models.CheckConstraint(
                condition=(
                    Q(mechanism="subsidy", application__isnull=False, waterfall_cover__isnull=True)
                    | Q(
                        mechanism="adjustment_fund",
                        application__isnull=True,
                        waterfall_cover__isnull=False,
                    )
                ),
                name="covered_deficit_names_its_mechanism",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.county.name} {self.year} {self.fund_type.code}: {self.mechanism}"


# The county submits, the city agency reviews, the bureau approves; either returns it with a
# reason, and nobody decides on what they submitted (N 三(四)6).
DEFICIT_WORKFLOW = Workflow(
    DeficitApplication,
    application_transitions(
        noun="deficit", review="settlement.review_deficit", approve="settlement.approve_deficit"
    ),
)
