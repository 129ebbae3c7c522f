"""The fund ledger: fund types, accounts, journal entries with their postings, closed months and
the nightly ledger checks (DOMAIN §6, §11).

Each fund type is its own book (财社〔2017〕144号 art. 39, N 三(四)1): every posting of an entry
belongs to the entry's one fund, which composite foreign keys enforce on PostgreSQL. Entries
and postings are append-only; a mistake is corrected by a reversal entry. Writes go through
``funds.ledger.services`` only.
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from pooling.core.money import MoneyField, validate_month_start
from pooling.structure.models import County, Municipality

# National fund codes (医保 fund_pay_type, DOMAIN §11) and local codes in the 9xxxxx range, which
# the national dictionary does not use, for the funds it has no code for. The data migration
# 0002 loads the same rows; ``funds.ledger.services.fund_types_ensure`` restores them when missing.
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
        BANK = "bank", _("bank")
        PROVINCE = "province", _("province")

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
    # (N 三(四)5), lowered only by ``funds.history.services`` (collection to the city,
    # approved release, deficit subsidy).
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
            # Enforced by the database even under concurrent posting.
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
        return f"{self.account} {self.amount:+,.2f}"


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
