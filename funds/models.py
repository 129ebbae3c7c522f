"""The fund ledger: fund types, accounts, journal entries with their postings, closed months and
the nightly ledger checks (DOMAIN §6, §11).

Each fund type is its own book (财社〔2017〕144号 art. 39, N 三(四)1): every posting of an entry
belongs to the entry's one fund, which composite foreign keys enforce on PostgreSQL. Entries
and postings are append-only; a mistake is corrected by a reversal entry. Writes go through
``funds.services`` only.
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from pooling.models import County, Municipality
from pooling.money import MoneyField, validate_month_start

# National fund codes (医保 fund_pay_type, DOMAIN §11) and local codes in the 9xxxxx range, which
# the national dictionary does not use, for the funds it has no code for. The data migration
# 0002 loads the same rows; ``funds.services.fund_types_ensure`` restores them when missing.
FUND_TYPE_DEFAULTS: tuple[tuple[str, str, str], ...] = (
    ("310100", "职工基本医疗保险统筹基金", "Employee pooled fund"),
    ("310200", "职工基本医疗保险个人账户", "Employee personal accounts"),
    ("330100", "大额医疗费用补助金", "Large-expense relief fund"),
    ("390100", "城乡居民基本医疗保险基金", "Resident fund"),
    ("390200", "城乡居民大病保险", "Resident critical illness"),
    ("910100", "市级统筹大病保险", "City critical-illness insurance"),
    ("910200", "省级统筹大病保险", "Provincial critical-illness insurance"),
    ("920100", "生育保险基金", "Maternity insurance fund"),
    ("930100", "长期护理保险基金", "Long-term care insurance fund"),
    ("990100", "市级调剂金", "Risk-adjustment fund"),
)


class FundType(models.Model):
    """A fund with its own books: no posting moves money from one fund to another."""

    code = models.CharField(_("fund code"), max_length=6, unique=True)
    name = models.CharField(_("name"), max_length=50)
    name_en = models.CharField(_("English name"), max_length=80)

    class Meta:
        ordering = ["code"]
        verbose_name = _("fund type")
        verbose_name_plural = _("fund types")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Account(models.Model):
    """One account of one fund, held by the city, a county, the finance bureau or an outside
    party (DOMAIN §11). ``balance`` is the current balance; postings hold the history."""

    class Owner(models.TextChoices):
        CITY = "city", _("city level")
        COUNTY = "county", _("county")
        FINANCE_BUREAU = "finance_bureau", _("finance bureau")
        TAX_BUREAU = "tax_bureau", _("tax bureau")
        DESIGNATED_INSTITUTION = "designated_institution", _("designated institutions")
        COUNTY_GOVERNMENT = "county_government", _("county government")
        CITY_FINANCE = "city_finance", _("city finance")

    class Kind(models.TextChoices):
        INCOME = "income", _("income account")
        EXPENDITURE = "expenditure", _("expenditure account")
        FISCAL_SPECIAL = "fiscal_special", _("fiscal special account")
        ADJUSTMENT_FUND = "adjustment_fund", _("adjustment fund")
        HISTORICAL_RESERVE = "historical_reserve", _("historical reserve")
        PERSONAL_ACCOUNT_CONTROL = "personal_account_control", _("personal account control")
        COUNTERPARTY = "counterparty", _("counterparty")

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
        help_text=_("Empty for city-level, finance bureau and city-wide outside accounts."),
    )
    owner = models.CharField(_("owner"), max_length=30, choices=Owner.choices)
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    fund_type = models.ForeignKey(
        FundType, on_delete=models.PROTECT, related_name="accounts", verbose_name=_("fund")
    )
    name = models.CharField(_("name"), max_length=120)
    allow_negative = models.BooleanField(_("may go negative"), default=False)
    balance = MoneyField(_("balance"), default=0)
    # The part of the balance no movement may touch: a county's frozen historical balance
    # (N 三(四)5), lowered only by funds.history (collection, approved release, deficit use).
    frozen_amount = MoneyField(_("frozen amount"), default=0)

    class Meta:
        ordering = ["municipality", "fund_type", "county", "owner", "kind"]
        verbose_name = _("account")
        verbose_name_plural = _("accounts")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "county", "owner", "kind", "fund_type"],
                condition=Q(county__isnull=False),
                name="account_unique_per_county",
            ),
            models.UniqueConstraint(
                fields=["municipality", "owner", "kind", "fund_type"],
                condition=Q(county__isnull=True),
                name="account_unique_city_wide",
            ),
            # Enforced by the database even under concurrent posting (issue 3 item 4).
            models.CheckConstraint(
                condition=Q(allow_negative=True) | Q(balance__gte=0),
                name="account_balance_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(frozen_amount__gte=0)
                & (Q(frozen_amount=0) | Q(balance__gte=models.F("frozen_amount"))),
                name="account_balance_not_below_frozen",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class JournalEntry(models.Model):
    """One balanced movement of money inside one fund. Append-only: a mistake is fixed by a
    reversal entry (``reverses``), at most once per entry."""

    class Kind(models.TextChoices):
        COLLECTION = "collection", _("collection")
        REMITTANCE = "remittance", _("remittance")
        DISBURSEMENT = "disbursement", _("disbursement")
        ALLOCATION = "allocation", _("allocation")
        BENEFIT_PAYMENT = "benefit_payment", _("benefit payment")
        SUBSIDY = "subsidy", _("subsidy")
        EXTRACTION = "extraction", _("extraction")
        INTEREST = "interest", _("interest")
        REVERSAL = "reversal", _("reversal")
        REFUND = "refund", _("refund")
        TOP_UP = "top_up", _("top-up")
        ADJUSTMENT = "adjustment", _("adjustment")
        OPENING_BALANCE = "opening_balance", _("opening balance")
        TRANSFER = "transfer", _("transfer")

    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="+", verbose_name=_("municipality")
    )
    fund_type = models.ForeignKey(
        FundType, on_delete=models.PROTECT, related_name="entries", verbose_name=_("fund")
    )
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    month = models.DateField(_("month"), validators=[validate_month_start])
    effective_date = models.DateField(_("effective date"))
    memo = models.CharField(_("memo"), max_length=300, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("actor"),
    )
    idempotency_key = models.CharField(_("idempotency key"), max_length=200, unique=True)
    input_hash = models.CharField(_("input fingerprint"), max_length=64)
    source_type = models.ForeignKey(
        ContentType,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("source document type"),
    )
    source_id = models.CharField(_("source document id"), max_length=40, blank=True)
    source = GenericForeignKey("source_type", "source_id")
    source_label = models.CharField(_("source"), max_length=200, blank=True)
    reverses = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reversed_by",
        verbose_name=_("reverses"),
    )
    created_at = models.DateTimeField(_("posted at"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-effective_date", "-pk"]
        verbose_name = _("journal entry")
        verbose_name_plural = _("journal entries")
        indexes = [
            models.Index(fields=["municipality", "month"], name="entry_municipality_month"),
            models.Index(fields=["source_type", "source_id"], name="entry_source"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(reverses__isnull=True) | Q(kind="reversal"),
                name="entry_only_reversal_reverses",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.get_kind_display()} {self.effective_date}"


class Posting(models.Model):
    """One line of an entry: money into (positive) or out of (negative) one account.

    ``fund_type``, ``month`` and ``effective_date`` repeat the entry's, so statements read one
    table through one index; on PostgreSQL a composite foreign key keeps them equal to the
    entry's, and another keeps ``fund_type`` equal to the account's.
    """

    entry = models.ForeignKey(
        JournalEntry, on_delete=models.PROTECT, related_name="postings", verbose_name=_("entry")
    )
    account = models.ForeignKey(
        Account, on_delete=models.PROTECT, related_name="postings", verbose_name=_("account")
    )
    amount = MoneyField(_("amount"))
    balance_after = MoneyField(_("balance after"))
    fund_type = models.ForeignKey(
        FundType, on_delete=models.PROTECT, related_name="+", verbose_name=_("fund")
    )
    month = models.DateField(_("month"))
    effective_date = models.DateField(_("effective date"))

    class Meta:
        ordering = ["effective_date", "pk"]
        verbose_name = _("posting")
        verbose_name_plural = _("postings")
        indexes = [
            # The account statement's keyset: (account, effective_date, id).
            models.Index(fields=["account", "effective_date", "id"], name="posting_statement"),
            models.Index(fields=["fund_type", "month"], name="posting_fund_month"),
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(amount=0), name="posting_amount_not_zero"),
        ]

    def __str__(self) -> str:
        return f"{self.account} {self.amount:+}"


class ClosedMonth(models.Model):
    """A month of a municipality that accepts no more postings (DOMAIN §10: closed once, never
    reopened silently). Corrections post in an open month and name what they correct."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="+", verbose_name=_("municipality")
    )
    month = models.DateField(_("month"), validators=[validate_month_start])
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("closed by"),
    )
    closed_at = models.DateTimeField(_("closed at"), auto_now_add=True)

    class Meta:
        ordering = ["municipality", "-month"]
        verbose_name = _("closed month")
        verbose_name_plural = _("closed months")
        constraints = [
            models.UniqueConstraint(fields=["municipality", "month"], name="closed_month_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.municipality} {self.month:%Y-%m}"


class LedgerCheck(models.Model):
    """The result of one run of the ledger verification (``verify_ledger``, nightly task)."""

    started_at = models.DateTimeField(_("started at"))
    finished_at = models.DateTimeField(_("finished at"))
    ok = models.BooleanField(_("balanced"))
    accounts_checked = models.PositiveIntegerField(_("accounts checked"))
    postings_checked = models.PositiveBigIntegerField(_("postings checked"))
    problem_count = models.PositiveIntegerField(_("problems"))
    report = models.TextField(_("report"), blank=True)

    class Meta:
        ordering = ["-started_at", "-pk"]
        verbose_name = _("ledger check")
        verbose_name_plural = _("ledger checks")

    def __str__(self) -> str:
        return f"{self.started_at:%Y-%m-%d %H:%M} {'OK' if self.ok else 'FAILED'}"


# ---------------------------------------------------------------------------------------------
# Budgets and expenditure quotas (N 三(四)1 and 3; issue 6 item 1)
# ---------------------------------------------------------------------------------------------


class BudgetLineCode(models.TextChoices):
    """The standard income and expenditure lines of a fund budget (DOMAIN §11)."""

    PREMIUMS = "premiums", _("premium income")
    INTEREST = "interest", _("interest income")
    FISCAL_SUBSIDY = "fiscal_subsidy", _("fiscal subsidy income")
    TRANSFER_IN = "transfer_in", _("transfers in")
    GRANT_FROM_HIGHER = "grant_from_higher", _("grants from the higher level")
    REMITTANCE_FROM_LOWER = "remittance_from_lower", _("remittances from lower levels")
    OTHER_INCOME = "other_income", _("other income")
    BENEFITS = "benefits", _("benefit expenditure")
    TRANSFER_OUT = "transfer_out", _("transfers out")
    GRANT_TO_LOWER = "grant_to_lower", _("grants to lower levels")
    REMITTANCE_TO_HIGHER = "remittance_to_higher", _("remittances to the higher level")
    OTHER_EXPENDITURE = "other_expenditure", _("other expenditure")


INCOME_LINES = frozenset(
    {
        BudgetLineCode.PREMIUMS,
        BudgetLineCode.INTEREST,
        BudgetLineCode.FISCAL_SUBSIDY,
        BudgetLineCode.TRANSFER_IN,
        BudgetLineCode.GRANT_FROM_HIGHER,
        BudgetLineCode.REMITTANCE_FROM_LOWER,
        BudgetLineCode.OTHER_INCOME,
    }
)


class FundBudget(models.Model):
    """A municipality's annual budget of one fund: drafted and submitted by the city agency,
    approved by the bureau after the people's congress (N 三(四)1). Writes go through
    ``funds.budgets``."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        SUBMITTED = "submitted", _("submitted")
        APPROVED = "approved", _("approved")

    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="+", verbose_name=_("municipality")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    fund_type = models.ForeignKey(
        FundType, on_delete=models.PROTECT, related_name="+", verbose_name=_("fund")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("drafted by"),
    )  # fmt: skip
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("submitted by"),
    )  # fmt: skip
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("approved by"),
    )  # fmt: skip
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)

    class Meta:
        ordering = ["municipality", "-year", "fund_type"]
        verbose_name = _("fund budget")
        verbose_name_plural = _("fund budgets")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "year", "fund_type"], name="one_budget_per_year_and_fund"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.fund_type.name}"


class BudgetLine(models.Model):
    """One standard line of a fund budget."""

    budget = models.ForeignKey(
        FundBudget, on_delete=models.CASCADE, related_name="lines", verbose_name=_("budget")
    )
    code = models.CharField(_("line"), max_length=30, choices=BudgetLineCode.choices)
    amount = MoneyField(_("amount"))

    class Meta:
        ordering = ["budget", "code"]
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")
        constraints = [
            models.UniqueConstraint(fields=["budget", "code"], name="one_budget_line_per_code"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="budget_line_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.get_code_display()} {self.amount}"


class ExpenditureQuota(models.Model):
    """A county's budget and expenditure quota (总量定额) of one fund for one year: the ceiling
    of its annual plan (N 三(四)3). ``carried_forward`` is last year's unused quota, added when
    the ``quota_carry_forward`` rule says so."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="+", verbose_name=_("municipality")
    )
    county = models.ForeignKey(
        County, on_delete=models.PROTECT, related_name="+", verbose_name=_("county")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    fund_type = models.ForeignKey(
        FundType, on_delete=models.PROTECT, related_name="+", verbose_name=_("fund")
    )
    amount = MoneyField(_("budgeted quota"), default=0)
    carried_forward = MoneyField(_("carried forward from last year"), default=0)

    class Meta:
        ordering = ["municipality", "-year", "fund_type", "county"]
        verbose_name = _("expenditure quota")
        verbose_name_plural = _("expenditure quotas")
        constraints = [
            models.UniqueConstraint(
                fields=["county", "year", "fund_type"], name="one_quota_per_county_year_fund"
            ),
            models.CheckConstraint(
                condition=Q(amount__gte=0) & Q(carried_forward__gte=0),
                name="quota_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.county.name} {self.year} {self.fund_type.code}"

    @property
    def total(self):
        return self.amount + self.carried_forward


# ---------------------------------------------------------------------------------------------
# Benefit settlements with designated institutions (J 二(四), DOMAIN §9, §11; issue 7 item 2)
# ---------------------------------------------------------------------------------------------

# The funds an institution's monthly statement may claim from (DOMAIN §9).
BENEFIT_FUND_CODES: tuple[str, ...] = ("310100", "310200", "910100", "330100", "390100")


class BenefitStatement(models.Model):
    """A designated institution's monthly statement (月结算单) for one fund: visits and the
    amount claimed; the county approves it in full or cuts it with a reason, and the approved
    amount is paid from the county's expenditure account of that fund. Writes go through
    ``funds.benefits``."""

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
        "enrollment.DesignatedInstitution",
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
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("entered by"),
    )  # fmt: skip
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("reviewed by"),
    )  # fmt: skip
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    payment = models.OneToOneField(
        JournalEntry, on_delete=models.PROTECT, null=True, blank=True,
        related_name="benefit_statement", verbose_name=_("payment entry"),
    )  # fmt: skip
    paid_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("paid by"),
    )  # fmt: skip
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    created_at = models.DateTimeField(_("entered at"), auto_now_add=True)

    class Meta:
        ordering = ["-month", "county", "institution", "fund_type"]
        verbose_name = _("benefit statement")
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
    """One imported file of personal-account spending at designated pharmacies (issue 7 item
    2): each row debits one person's personal account; the same file is imported once."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="+", verbose_name=_("municipality")
    )
    file_name = models.CharField(_("file name"), max_length=200)
    file_sha256 = models.CharField(_("file fingerprint"), max_length=64)
    rows = models.PositiveIntegerField(_("rows"))
    total = MoneyField(_("total"))
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("imported by"),
    )  # fmt: skip
    imported_at = models.DateTimeField(_("imported at"), auto_now_add=True)

    class Meta:
        ordering = ["-imported_at", "-pk"]
        verbose_name = _("pharmacy spending import")
        verbose_name_plural = _("pharmacy spending imports")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "file_sha256"], name="pharmacy_spending_file_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.imported_at:%Y-%m-%d})"


# ---------------------------------------------------------------------------------------------
# Historical balances, release applications and deficit subsidies (N 三(四)5–6, J 二(五)2;
# issue 8 items 1, 2 and 4). Writes go through ``funds.history`` and ``funds.deficits``.
# ---------------------------------------------------------------------------------------------


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
        Account, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("fiscal special account"),
    )  # fmt: skip
    opening_entry = models.OneToOneField(
        JournalEntry, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("opening entry"),
    )  # fmt: skip
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("registered by"),
    )  # fmt: skip
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
            ),  # fmt: skip
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
    maturity); the beat job ``funds.tasks.historical_deposits_collect`` books it."""

    balance = models.ForeignKey(
        HistoricalBalance, on_delete=models.CASCADE, related_name="deposits",
        verbose_name=_("historical balance"),
    )  # fmt: skip
    amount = MoneyField(_("amount"))
    maturity_date = models.DateField(_("maturity date"))
    bank = models.CharField(_("bank"), max_length=100)
    reference = models.CharField(_("deposit reference"), max_length=60, blank=True)
    planned_collection = MoneyField(_("to collect at maturity"), default=0)
    collection_entry = models.OneToOneField(
        JournalEntry, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("collection entry"),
    )  # fmt: skip
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
            ),  # fmt: skip
        ]

    def __str__(self) -> str:
        return f"{self.bank} {self.amount} {self.maturity_date}"


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
        _("status"), max_length=10, choices=ApplicationStatus.choices,
        default=ApplicationStatus.SUBMITTED,
    )  # fmt: skip
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+",
        verbose_name=_("submitted by"),
    )  # fmt: skip
    submitted_at = models.DateTimeField(_("submitted at"), auto_now_add=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("reviewed by"),
    )  # fmt: skip
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("approved or returned by"),
    )  # fmt: skip
    decided_at = models.DateTimeField(_("approved or returned at"), null=True, blank=True)
    return_reason = models.TextField(_("reason for returning"), blank=True)

    class Meta:
        abstract = True
        ordering = ["-submitted_at", "-pk"]


class ReleaseApplication(_Application):
    """A county's application to use part of its frozen historical balance (N 三(四)5: 未经
    批准，任何部门单位不得动用暂存基金). Approval lowers the account's frozen amount."""

    balance = models.ForeignKey(
        HistoricalBalance, on_delete=models.PROTECT, related_name="releases",
        verbose_name=_("historical balance"),
    )  # fmt: skip
    amount = MoneyField(_("amount"))

    class Meta(_Application.Meta):
        verbose_name = _("release application")
        verbose_name_plural = _("release applications")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="release_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.county.name} {self.amount}"


def deficit_attachment_path(instance, filename: str) -> str:
    return f"deficit-applications/{instance.county.code}/{instance.year}/{filename}"


class DeficitApplication(_Application):
    """A county's written application for a deficit subsidy of one fund and year (N 三(四)6).
    The amounts are fixed at submission from the ledger (``funds.year_results``) and the split
    at approval; ``funds.deficits`` books it."""

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
