"""The monthly remittance cycle: one record per municipality and month, its ordered steps,
and the remittance lines fixed at the collections cut-off (DOMAIN §6, §7, §11)."""

from django.conf import settings
from django.db import models
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from funds.models import Account, FundType, JournalEntry
from pooling.models import County, Municipality, PoolingModel
from pooling.money import MoneyField, validate_month_start


class StepName(models.TextChoices):
    """The steps of a month, in the order they run."""

    ASSESSMENT = "assessment", _("assessment")
    COLLECTIONS_CUTOFF = "collections_cutoff", _("collections cut-off")
    REMITTANCE = "remittance", _("county → city remittance")
    FISCAL_TRANSFER = "fiscal_transfer", _("city → fiscal special account transfer")
    ZERO_BALANCE_CHECK = "zero_balance_check", _("zero-balance check")
    MONTH_CLOSE = "month_close", _("month close")


STEP_ORDER: list[str] = [choice.value for choice in StepName]


class MonthlyCycle(models.Model):
    """A municipality's monthly cycle. One per month: a second trigger finds the first."""

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        RUNNING = "running", _("running")
        FAILED = "failed", _("failed")
        COMPLETED = "completed", _("completed")

    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="+", verbose_name=_("municipality")
    )
    month = models.DateField(_("month"), validators=[validate_month_start])
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("started by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        ordering = ["-month", "municipality"]
        verbose_name = _("monthly cycle")
        verbose_name_plural = _("monthly cycles")
        constraints = [
            models.UniqueConstraint(fields=["municipality", "month"], name="one_cycle_per_month")
        ]

    def __str__(self) -> str:
        return f"{self.municipality} {self.month:%Y-%m}"


class CycleStep(models.Model):
    """One step of a cycle with its figures. A step's ledger work is one transaction: a
    failure leaves the ledger as it was and the step can be run again."""

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    cycle = models.ForeignKey(
        MonthlyCycle, on_delete=models.PROTECT, related_name="steps", verbose_name=_("cycle")
    )
    name = models.CharField(_("step"), max_length=30, choices=StepName.choices)
    position = models.PositiveSmallIntegerField(_("position"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    count = models.PositiveIntegerField(_("count"), default=0)
    amount = MoneyField(_("amount"), default=0)
    error = models.TextField(_("error"), blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        ordering = ["cycle", "position"]
        verbose_name = _("cycle step")
        verbose_name_plural = _("cycle steps")
        constraints = [models.UniqueConstraint(fields=["cycle", "name"], name="one_step_per_cycle")]

    def __str__(self) -> str:
        return f"{self.cycle} {self.get_name_display()}"


class RemittanceLine(models.Model):
    """One movement the cycle makes: fixed at the cut-off from the county's pooling model in
    force for the month, posted by the remittance or transfer step."""

    class Stage(models.TextChoices):
        REMITTANCE = "remittance", _("remittance")
        FISCAL_TRANSFER = "fiscal_transfer", _("fiscal transfer")

    cycle = models.ForeignKey(
        MonthlyCycle, on_delete=models.PROTECT, related_name="lines", verbose_name=_("cycle")
    )
    stage = models.CharField(_("stage"), max_length=20, choices=Stage.choices)
    county = models.ForeignKey(
        County,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("county"),
    )
    pooling_model = models.CharField(
        _("pooling model"), max_length=20, choices=PoolingModel.choices, blank=True
    )
    fund_type = models.ForeignKey(
        FundType, on_delete=models.PROTECT, related_name="+", verbose_name=_("fund")
    )
    from_account = models.ForeignKey(
        Account, on_delete=models.PROTECT, related_name="+", verbose_name=_("from account")
    )
    to_account = models.ForeignKey(
        Account, on_delete=models.PROTECT, related_name="+", verbose_name=_("to account")
    )
    amount = MoneyField(_("amount"))
    entry = models.ForeignKey(
        JournalEntry,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ledger entry"),
    )

    class Meta:
        ordering = ["cycle", "stage", "county", "fund_type"]
        verbose_name = _("remittance line")
        verbose_name_plural = _("remittance lines")
        constraints = [
            models.UniqueConstraint(
                fields=["cycle", "stage", "from_account"], name="one_line_per_account_and_stage"
            ),
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="line_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.from_account} → {self.to_account}: {self.amount}"


# ---------------------------------------------------------------------------------------------
# Annual expenditure plans, monthly usage plans, the city monthly plan and its steps, and
# notifications (N 三(四)4; issue 6). Writes go through ``settlement.plans``.
# ---------------------------------------------------------------------------------------------


class PlanPurpose(models.TextChoices):
    """What a usage-plan line pays for (N 三(四)3)."""

    BENEFITS = "benefits", _("medical benefits")
    CRITICAL_ILLNESS = "critical_illness", _("critical-illness insurance")
    MATERNITY = "maternity", _("maternity benefits")
    OTHER = "other", _("other expenditure")


class AnnualPlan(models.Model):
    """A county's annual expenditure plan within its quota: submitted by the county, reviewed
    and consolidated by the city agency, approved by the bureau; the approved plan is the
    ceiling of the year's allocations (N 三(四)4)."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("submitted")
        RETURNED = "returned", _("returned")
        REVIEWED = "reviewed", _("reviewed")
        APPROVED = "approved", _("approved")

    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="+", verbose_name=_("municipality")
    )
    county = models.ForeignKey(
        County, on_delete=models.PROTECT, related_name="+", verbose_name=_("county")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    return_reason = models.CharField(_("reason for return"), max_length=300, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("submitted by"),
    )  # fmt: skip
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("reviewed by"),
    )  # fmt: skip
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("approved by"),
    )  # fmt: skip
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)

    class Meta:
        ordering = ["-year", "county"]
        verbose_name = _("annual expenditure plan")
        verbose_name_plural = _("annual expenditure plans")
        constraints = [
            models.UniqueConstraint(fields=["county", "year"], name="one_annual_plan_per_year"),
        ]

    def __str__(self) -> str:
        return f"{self.county.name} {self.year}"


class AnnualPlanLine(models.Model):
    plan = models.ForeignKey(
        AnnualPlan, on_delete=models.CASCADE, related_name="lines", verbose_name=_("plan")
    )
    fund_type = models.ForeignKey(
        FundType, on_delete=models.PROTECT, related_name="+", verbose_name=_("fund")
    )
    amount = MoneyField(_("amount"))

    class Meta:
        ordering = ["plan", "fund_type"]
        verbose_name = _("annual plan line")
        verbose_name_plural = _("annual plan lines")
        constraints = [
            models.UniqueConstraint(fields=["plan", "fund_type"], name="one_annual_line_per_fund"),
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="annual_line_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.fund_type_id}: {self.amount}"


class CityMonthlyPlan(models.Model):
    """The city-wide usage plan of a month (全市基金当月使用计划): consolidated by the city
    agency, approved by the bureau who requests the funds, disbursed by finance into the city
    expenditure account, allocated to the counties' expenditure accounts (N 三(四)4)."""

    class Status(models.TextChoices):
        CONSOLIDATED = "consolidated", _("consolidated")
        APPROVED = "approved", _("approved")
        REQUESTED = "requested", _("funding requested")
        DISBURSED = "disbursed", _("disbursed")
        ALLOCATED = "allocated", _("allocated")

    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="+", verbose_name=_("municipality")
    )
    month = models.DateField(_("month"), validators=[validate_month_start])
    status = models.CharField(_("status"), max_length=15, choices=Status.choices)
    missing_counties = models.JSONField(_("counties without a plan"), default=list, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-month", "municipality"]
        verbose_name = _("city monthly plan")
        verbose_name_plural = _("city monthly plans")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "month"], name="one_city_plan_per_month"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.municipality} {self.month:%Y-%m}"


class UsagePlan(models.Model):
    """A county's usage plan for next month (分月使用计划), due by the deadline day of the month
    before; a late plan is flagged (N 三(四)4)."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("submitted")
        RETURNED = "returned", _("returned")
        CONSOLIDATED = "consolidated", _("consolidated")

    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="+", verbose_name=_("municipality")
    )
    county = models.ForeignKey(
        County, on_delete=models.PROTECT, related_name="+", verbose_name=_("county")
    )
    month = models.DateField(_("month"), validators=[validate_month_start])
    status = models.CharField(_("status"), max_length=15, choices=Status.choices)
    deadline = models.DateField(_("deadline"))
    is_late = models.BooleanField(_("late"), default=False)
    note = models.CharField(_("note"), max_length=300, blank=True)
    return_reason = models.CharField(_("reason for return"), max_length=300, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("submitted by"),
    )  # fmt: skip
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    returned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("returned by"),
    )  # fmt: skip
    city_plan = models.ForeignKey(
        CityMonthlyPlan, on_delete=models.PROTECT, null=True, blank=True,
        related_name="usage_plans", verbose_name=_("city monthly plan"),
    )  # fmt: skip

    class Meta:
        ordering = ["-month", "county"]
        verbose_name = _("usage plan")
        verbose_name_plural = _("usage plans")
        constraints = [
            models.UniqueConstraint(fields=["county", "month"], name="one_usage_plan_per_month"),
        ]

    def __str__(self) -> str:
        return f"{self.county.name} {self.month:%Y-%m}"


class UsagePlanLine(models.Model):
    plan = models.ForeignKey(
        UsagePlan, on_delete=models.CASCADE, related_name="lines", verbose_name=_("plan")
    )
    fund_type = models.ForeignKey(
        FundType, on_delete=models.PROTECT, related_name="+", verbose_name=_("fund")
    )
    purpose = models.CharField(_("purpose"), max_length=20, choices=PlanPurpose.choices)
    amount = MoneyField(_("amount"))

    class Meta:
        ordering = ["plan", "fund_type", "purpose"]
        verbose_name = _("usage plan line")
        verbose_name_plural = _("usage plan lines")
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "fund_type", "purpose"], name="one_usage_line_per_fund_purpose"
            ),
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="usage_line_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.fund_type_id} {self.purpose}: {self.amount}"


class PlanStepName(models.TextChoices):
    """The city's steps of a month's plan, in order."""

    CONSOLIDATION = "consolidation", _("consolidation")
    APPROVAL = "approval", _("approval")
    FUNDING_REQUEST = "funding_request", _("funding request")
    DISBURSEMENT = "disbursement", _("disbursement")
    ALLOCATION = "allocation", _("allocation")


class PlanStep(models.Model):
    """One step of a city monthly plan: who did it, when, its deadline and whether it was on
    time. A step is created with its deadline as soon as that deadline is known."""

    city_plan = models.ForeignKey(
        CityMonthlyPlan, on_delete=models.PROTECT, related_name="steps",
        verbose_name=_("city monthly plan"),
    )  # fmt: skip
    name = models.CharField(_("step"), max_length=20, choices=PlanStepName.choices)
    deadline = models.DateField(_("deadline"))
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("done by"),
    )  # fmt: skip
    on_time = models.BooleanField(_("on time"), null=True, blank=True)

    class Meta:
        ordering = ["city_plan", "deadline", "pk"]
        verbose_name = _("plan step")
        verbose_name_plural = _("plan steps")
        constraints = [
            models.UniqueConstraint(fields=["city_plan", "name"], name="one_plan_step_per_name"),
        ]

    def __str__(self) -> str:
        return f"{self.city_plan} {self.get_name_display()}"


class Notification(models.Model):
    """An in-app message to one user; ``key`` makes the daily deadline check send it once."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications",
        verbose_name=_("recipient"),
    )  # fmt: skip
    key = models.CharField(_("key"), max_length=200)
    message = models.CharField(_("message"), max_length=500)
    url = models.CharField(_("link"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [
            models.UniqueConstraint(fields=["recipient", "key"], name="one_notification_per_key"),
        ]

    def __str__(self) -> str:
        return self.message


# ---------------------------------------------------------------------------------------------
# Year end: each county's yearly targets and their assessment, the city risk-adjustment fund's
# contributions and the deficit waterfall (Z 四(八)–(九), J 二(五)3; issue 8 items 3 and 5).
# Writes go through ``settlement.targets`` and ``settlement.adjustment``.
# ---------------------------------------------------------------------------------------------


class CountyTarget(models.Model):
    """The targets the city sets a county (or the city level) for one year: enrollment
    (insured people at year end), collection (yuan collected), and the revenue and
    expenditure plan of its funds (Z 四(八), J 二(五)3). Assessed at year end."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="+", verbose_name=_("municipality")
    )
    county = models.ForeignKey(
        County, on_delete=models.PROTECT, related_name="+", verbose_name=_("county")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    enrollment_target = models.PositiveIntegerField(_("enrollment target (insured people)"))
    collection_target = MoneyField(_("collection target"))
    revenue_plan = MoneyField(_("revenue plan"))
    expenditure_plan = MoneyField(_("expenditure plan"))
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("set by"),
    )  # fmt: skip
    set_at = models.DateTimeField(_("set at"), auto_now=True)

    class Meta:
        ordering = ["-year", "county"]
        verbose_name = _("county target")
        verbose_name_plural = _("county targets")
        constraints = [
            models.UniqueConstraint(fields=["county", "year"], name="one_target_per_county_year"),
            models.CheckConstraint(
                condition=models.Q(enrollment_target__gt=0)
                & models.Q(collection_target__gt=0)
                & models.Q(revenue_plan__gt=0)
                & models.Q(expenditure_plan__gt=0),
                name="county_target_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.county.name} {self.year}"


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
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("contributions booked by"),
    )  # fmt: skip
    waterfall_at = models.DateTimeField(_("waterfall run at"), null=True, blank=True)
    waterfall_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("waterfall run by"),
    )  # fmt: skip

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
        AdjustmentYear, on_delete=models.PROTECT, related_name="contributions",
        verbose_name=_("adjustment-fund year"),
    )  # fmt: skip
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
        AdjustmentYear, on_delete=models.PROTECT, related_name="covers",
        verbose_name=_("adjustment-fund year"),
    )  # fmt: skip
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
