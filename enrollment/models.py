"""Enrollment and contributions (N 三(一)–(三)): employers, insured people and their dated
enrollment episodes, contribution bases, the monthly assessment, collection files from the tax
bureau, and the per-person personal-account subledger."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from enrollment.validators import validate_credit_code, validate_resident_id
from pooling.models import County, Municipality
from pooling.money import MoneyField, validate_month_start


class Scheme(models.TextChoices):
    EMPLOYEE = "employee", _("employee insurance")
    RESIDENT = "resident", _("resident insurance")


class Scope(models.TextChoices):
    """Who is insured (N 三(一), J 二(一)). ``SCOPE_SCHEME`` and ``MANDATORY_SCOPES`` say
    which scheme each belongs to and whether joining is compulsory."""

    EMPLOYEE = "employee", _("employee of an employer")
    RETIREE = "retiree", _("retiree")
    BUSINESS_OWNER = "business_owner", _("individual-business owner with employees")
    BUSINESS_EMPLOYEE = "business_employee", _("employee of an individual business")
    SOLO_BUSINESS = "solo_business", _("individual-business owner without employees")
    PART_TIME = "part_time", _("part-time worker without employer cover")
    FLEXIBLE = "flexible", _("other flexible worker")
    STUDENT = "student", _("student")
    CHILD = "child", _("child")
    ELDERLY = "elderly", _("elderly resident")
    RESIDENT_OTHER = "resident_other", _("other non-working urban resident")


SCOPE_SCHEME = {
    Scope.EMPLOYEE: Scheme.EMPLOYEE,
    Scope.RETIREE: Scheme.EMPLOYEE,
    Scope.BUSINESS_OWNER: Scheme.EMPLOYEE,
    Scope.BUSINESS_EMPLOYEE: Scheme.EMPLOYEE,
    Scope.SOLO_BUSINESS: Scheme.EMPLOYEE,
    Scope.PART_TIME: Scheme.EMPLOYEE,
    Scope.FLEXIBLE: Scheme.EMPLOYEE,
    Scope.STUDENT: Scheme.RESIDENT,
    Scope.CHILD: Scheme.RESIDENT,
    Scope.ELDERLY: Scheme.RESIDENT,
    Scope.RESIDENT_OTHER: Scheme.RESIDENT,
}
# N 三(一): employers, their employees and retirees, individual-business owners and their
# employees "应当参加"; the others "可以参加".
MANDATORY_SCOPES = frozenset(
    {Scope.EMPLOYEE, Scope.RETIREE, Scope.BUSINESS_OWNER, Scope.BUSINESS_EMPLOYEE}
)
# CITY_SCALE_KEYS: the four tables written once per person and month (assessments, collection
# rows, allocations, personal-account movements) keep their municipality and county as plain
# columns, without a database foreign key. PostgreSQL checks a key row by row (a locking
# lookup of the parent per inserted row): these five per person cost a tenth of the monthly
# cycle at 2,000,000 people (252 s → 226 s, issue 9). What the key guarded is kept otherwise:
# municipalities and counties are reference data that PostgreSQL refuses to delete or
# renumber (pooling migration 0003), and these rows are written only by the services, which
# take both from the person's enrollment. Every other key, to people, employers, episodes,
# assessments and batches, stays a database foreign key.

# Scopes that contribute through an employer, and those who pay the flexible-worker rate.
EMPLOYER_SCOPES = frozenset({Scope.EMPLOYEE, Scope.BUSINESS_OWNER, Scope.BUSINESS_EMPLOYEE})
FLEXIBLE_SCOPES = frozenset({Scope.SOLO_BUSINESS, Scope.PART_TIME, Scope.FLEXIBLE})


class Employer(models.Model):
    """An employer (用人单位) registered in a county."""

    class UnitType(models.TextChoices):
        PUBLIC = "public", _("government or public institution")
        ENTERPRISE = "enterprise", _("enterprise")
        INDIVIDUAL_BUSINESS = "individual_business", _("individual business")

    class Status(models.TextChoices):
        ACTIVE = "active", _("active")
        SUSPENDED = "suspended", _("suspended")
        CLOSED = "closed", _("closed")
        BANKRUPT = "bankrupt", _("bankrupt")

    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="+", verbose_name=_("municipality")
    )
    county = models.ForeignKey(
        County, on_delete=models.PROTECT, related_name="employers", verbose_name=_("county")
    )
    credit_code = models.CharField(
        _("unified social credit code"),
        max_length=18,
        unique=True,
        validators=[validate_credit_code],
    )
    name = models.CharField(_("name"), max_length=200)
    unit_type = models.CharField(_("unit type"), max_length=20, choices=UnitType.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.ACTIVE
    )
    bankruptcy_date = models.DateField(_("bankruptcy date"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["county", "name"]
        verbose_name = _("employer")
        verbose_name_plural = _("employers")
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="bankrupt") | Q(bankruptcy_date__isnull=False),
                name="employer_bankrupt_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.credit_code})"


class InsuredPerson(models.Model):
    """A person insured in the municipality; birth date and sex come from the resident ID."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("active")
        RETIRED = "retired", _("retired")
        SUSPENDED = "suspended", _("suspended")
        LEFT = "left", _("left")
        DECEASED = "deceased", _("deceased")

    class Sex(models.TextChoices):
        MALE = "M", _("male")
        FEMALE = "F", _("female")

    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="+", verbose_name=_("municipality")
    )
    county = models.ForeignKey(
        County, on_delete=models.PROTECT, related_name="insured_people", verbose_name=_("county")
    )
    id_number = models.CharField(
        _("resident ID number"), max_length=18, unique=True, validators=[validate_resident_id]
    )
    name = models.CharField(_("name"), max_length=100)
    birth_date = models.DateField(_("birth date"))
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    category = models.CharField(_("category"), max_length=20, choices=Scope.choices)
    employer = models.ForeignKey(
        Employer,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="people",
        verbose_name=_("employer"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.ACTIVE
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["county", "name", "pk"]
        verbose_name = _("insured person")
        verbose_name_plural = _("insured people")
        indexes = [models.Index(fields=["employer"]), models.Index(fields=["name"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.id_number[:6]}…{self.id_number[-4:]})"


class EnrollmentEpisode(models.Model):
    """A dated period of insurance of one person in one scheme and scope. Episodes of a
    person in one scheme never overlap (service check and, on PostgreSQL, an exclusion
    constraint). The assessment reads the episode in force for the month."""

    person = models.ForeignKey(
        InsuredPerson, on_delete=models.PROTECT, related_name="episodes", verbose_name=_("person")
    )
    scheme = models.CharField(_("scheme"), max_length=20, choices=Scheme.choices)
    scope = models.CharField(_("scope"), max_length=20, choices=Scope.choices)
    county = models.ForeignKey(
        County, on_delete=models.PROTECT, related_name="+", verbose_name=_("county")
    )
    employer = models.ForeignKey(
        Employer,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="episodes",
        verbose_name=_("employer"),
    )
    from_month = models.DateField(_("from month"), validators=[validate_month_start])
    to_month = models.DateField(
        _("to month"), null=True, blank=True, validators=[validate_month_start]
    )
    first_enrollment = models.BooleanField(
        _("first enrollment"),
        default=False,
        help_text=_("A first-time flexible worker waits for consecutive paid months (N 三(三))."),
    )

    class Meta:
        ordering = ["person", "scheme", "from_month"]
        verbose_name = _("enrollment episode")
        verbose_name_plural = _("enrollment episodes")
        indexes = [models.Index(fields=["scheme", "from_month"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(to_month__isnull=True) | Q(to_month__gte=models.F("from_month")),
                name="episode_ordered",
            ),
            models.CheckConstraint(
                condition=Q(from_month__day=1), name="episode_from_month_is_first_day"
            ),
        ]

    def __str__(self) -> str:
        end = self.to_month.isoformat()[:7] if self.to_month else "…"
        return f"{self.person} {self.scheme} {self.from_month.isoformat()[:7]}–{end}"


class EmployerPayroll(models.Model):
    """An employer's declared total payroll of the previous year, the base of the employer
    contribution for ``year`` (N 三(二)1)."""

    employer = models.ForeignKey(
        Employer, on_delete=models.PROTECT, related_name="payrolls", verbose_name=_("employer")
    )
    year = models.PositiveIntegerField(_("contribution year"))
    total_payroll = MoneyField(_("last year's total payroll"))
    declared_at = models.DateTimeField(_("declared at"), auto_now=True)

    class Meta:
        ordering = ["employer", "-year"]
        verbose_name = _("employer payroll")
        verbose_name_plural = _("employer payrolls")
        constraints = [
            models.UniqueConstraint(fields=["employer", "year"], name="payroll_once_per_year"),
            models.CheckConstraint(condition=Q(total_payroll__gte=0), name="payroll_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.employer} {self.year}: {self.total_payroll}"


class ContributionBase(models.Model):
    """A person's declared wage of the previous year for contribution ``year``. The monthly
    base is one twelfth, floored and capped at shares of the average wage when assessed."""

    person = models.ForeignKey(
        InsuredPerson, on_delete=models.PROTECT, related_name="bases", verbose_name=_("person")
    )
    year = models.PositiveIntegerField(_("contribution year"))
    yearly_wage = MoneyField(_("last year's wage"))
    declared_at = models.DateTimeField(_("declared at"), auto_now=True)

    class Meta:
        ordering = ["person", "-year"]
        verbose_name = _("contribution base")
        verbose_name_plural = _("contribution bases")
        constraints = [
            models.UniqueConstraint(fields=["person", "year"], name="base_once_per_year"),
            models.CheckConstraint(condition=Q(yearly_wage__gte=0), name="base_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.person} {self.year}: {self.yearly_wage}"


class Assessment(models.Model):
    """What one person and their employer owe for one month, split by fund (N 三(二)1–2).

    Written set-based by ``assessment_run``; one row per person and month. ``base`` is the
    monthly base after floor and cap. A retiree owes no premium but receives
    ``retiree_account_credit`` from the pooled fund into the personal account.
    """

    # No single-column indexes on municipality, person and employer: the (municipality,
    # month, county), (person, month) and (employer, month) indexes below serve those
    # lookups, and every index costs ~2 million updates a month at city scale (issue 9).
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("municipality"),
        db_index=False,
        db_constraint=False,  # see CITY_SCALE_KEYS
    )
    county = models.ForeignKey(
        County,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("county"),
        db_constraint=False,  # see CITY_SCALE_KEYS
    )
    person = models.ForeignKey(
        InsuredPerson,
        on_delete=models.PROTECT,
        related_name="assessments",
        verbose_name=_("person"),
        db_index=False,
    )
    employer = models.ForeignKey(
        Employer,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assessments",
        verbose_name=_("employer"),
        db_index=False,
    )
    episode = models.ForeignKey(
        EnrollmentEpisode, on_delete=models.PROTECT, related_name="+", verbose_name=_("episode")
    )
    month = models.DateField(_("month"), validators=[validate_month_start])
    scope = models.CharField(_("scope"), max_length=20, choices=Scope.choices)
    unit_type = models.CharField(
        _("unit type"), max_length=20, choices=Employer.UnitType.choices, blank=True
    )
    base = MoneyField(_("monthly base"))
    employer_pooled_fund = MoneyField(_("employer: pooled fund"))
    employer_maternity = MoneyField(_("employer: maternity"))
    employer_critical_illness = MoneyField(_("employer: critical illness"))
    individual_pooled_fund = MoneyField(_("individual: pooled fund"))
    individual_personal_account = MoneyField(_("individual: personal account"))
    individual_critical_illness = MoneyField(_("individual: critical illness"))
    employer_total = MoneyField(_("employer owes"))
    individual_total = MoneyField(_("individual owes"))
    total_due = MoneyField(_("total owed"))
    retiree_account_credit = MoneyField(_("retiree personal-account credit from the pooled fund"))
    created_at = models.DateTimeField(_("assessed at"), auto_now_add=True)

    class Meta:
        ordering = ["-month", "county", "person"]
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        indexes = [
            models.Index(fields=["municipality", "month", "county"]),
            models.Index(fields=["employer", "month"]),
        ]
        constraints = [
            models.UniqueConstraint(fields=["person", "month"], name="assessment_once_per_month"),
            # total_due = employer_total + individual_total is a CHECK on PostgreSQL only
            # (migration 0002): SQLite keeps decimals as floats, whose sums are not exact.
        ]

    def __str__(self) -> str:
        return f"{self.person} {self.month:%Y-%m}: {self.total_due}"

    @property
    def pooled_fund(self):
        return self.employer_pooled_fund + self.individual_pooled_fund

    @property
    def critical_illness(self):
        return self.employer_critical_illness + self.individual_critical_illness


class CollectionBatch(models.Model):
    """One collection file from the tax bureau, imported and matched to assessments.

    ``ready`` means every row is matched or reported and the allocations are final: the funds
    app posts one ledger entry per county and fund from ``collection_batch_postings`` and then
    calls ``collection_batch_mark_posted``. The file's SHA-256 makes the import idempotent.
    """

    class Status(models.TextChoices):
        READY = "ready", _("ready to post")
        POSTED = "posted", _("posted")

    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="+", verbose_name=_("municipality")
    )
    file_name = models.CharField(_("file name"), max_length=200)
    file_sha256 = models.CharField(_("file SHA-256"), max_length=64)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.READY
    )
    row_count = models.PositiveIntegerField(_("rows"), default=0)
    total_amount = MoneyField(_("total paid"), default=0)
    allocated_amount = MoneyField(_("allocated to assessments"), default=0)
    unallocated_amount = MoneyField(_("unmatched or over-paid"), default=0)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("imported by"),
    )
    imported_at = models.DateTimeField(_("imported at"), auto_now_add=True)
    posted_at = models.DateTimeField(_("posted at"), null=True, blank=True)
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("posted by"),
    )

    class Meta:
        ordering = ["-imported_at", "-pk"]
        verbose_name = _("collection batch")
        verbose_name_plural = _("collection batches")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "file_sha256"], name="collection_file_once"
            ),
            # total = allocated + unallocated is a CHECK on PostgreSQL only (migration 0003):
            # SQLite keeps decimals as floats, whose sums are not exact.
        ]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.imported_at:%Y-%m-%d})"


class CollectionRow(models.Model):
    """One line of a collection file: who paid, for which month, how much, and the outcome."""

    class Outcome(models.TextChoices):
        MATCHED = "matched", _("matched")
        OVERPAID = "overpaid", _("over-paid")
        UNDERPAID = "underpaid", _("under-paid")
        UNMATCHED = "unmatched", _("unmatched")
        DUPLICATE = "duplicate", _("duplicate in file")

    batch = models.ForeignKey(
        CollectionBatch,
        on_delete=models.PROTECT,
        related_name="rows",
        verbose_name=_("batch"),
        db_index=False,  # the (batch, row_number) unique index serves it
    )
    row_number = models.PositiveIntegerField(_("row"))
    payer_code = models.CharField(_("payer code"), max_length=18)
    month = models.DateField(_("month"), null=True, blank=True)
    amount = MoneyField(_("amount paid"))
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    county = models.ForeignKey(
        County,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("county"),
        db_constraint=False,  # see CITY_SCALE_KEYS
    )
    employer = models.ForeignKey(
        Employer,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("employer"),
    )
    person = models.ForeignKey(
        InsuredPerson,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("person"),
    )
    allocated_amount = MoneyField(_("allocated"), default=0)
    unallocated_amount = MoneyField(_("unallocated"), default=0)

    class Meta:
        ordering = ["batch", "row_number"]
        verbose_name = _("collection row")
        verbose_name_plural = _("collection rows")
        constraints = [
            models.UniqueConstraint(fields=["batch", "row_number"], name="collection_row_once"),
            models.CheckConstraint(
                condition=Q(amount=models.F("allocated_amount") + models.F("unallocated_amount")),
                name="collection_row_balanced",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.batch_id}#{self.row_number} {self.payer_code} {self.amount}"


class CollectionAllocation(models.Model):
    """The part of a collection row paying one assessment, split by fund. An employer's row
    pays all its people's assessments of the month, so one row may have many allocations."""

    row = models.ForeignKey(
        CollectionRow, on_delete=models.PROTECT, related_name="allocations", verbose_name=_("row")
    )
    batch = models.ForeignKey(
        CollectionBatch,
        on_delete=models.PROTECT,
        related_name="allocations",
        verbose_name=_("batch"),
    )
    assessment = models.ForeignKey(
        Assessment,
        on_delete=models.PROTECT,
        related_name="allocations",
        verbose_name=_("assessment"),
        db_index=False,  # the assessment_collected_once unique index serves it
    )
    county = models.ForeignKey(
        County,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("county"),
        db_constraint=False,  # see CITY_SCALE_KEYS
    )
    person = models.ForeignKey(
        InsuredPerson, on_delete=models.PROTECT, related_name="+", verbose_name=_("person")
    )
    month = models.DateField(_("month"))
    pooled_fund = MoneyField(_("pooled fund"))
    maternity = MoneyField(_("maternity"))
    personal_account = MoneyField(_("personal account"))
    critical_illness = MoneyField(_("critical illness"))
    amount = MoneyField(_("amount"))

    class Meta:
        ordering = ["batch", "row", "pk"]
        verbose_name = _("collection allocation")
        verbose_name_plural = _("collection allocations")
        constraints = [
            models.UniqueConstraint(fields=["assessment"], name="assessment_collected_once"),
            # amount = the sum of the fund parts is a CHECK on PostgreSQL only (migration
            # 0002): SQLite keeps decimals as floats, whose sums are not exact.
        ]

    def __str__(self) -> str:
        return f"{self.assessment} ← {self.amount}"


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


# ---------------------------------------------------------------------------------------------
# Designated institutions (定点医疗机构 / 定点零售药店; J 二(四), DOMAIN §9; issue 7 item 1)
# ---------------------------------------------------------------------------------------------


class DesignatedInstitution(models.Model):
    """A hospital or retail pharmacy allowed to bill the insurance under an agreement.

    Codes: a hospital is "H" + the county's 6-digit GB/T 2260 code + a 5-digit sequence
    (DOMAIN §11); a pharmacy follows the same scheme with "P" (our choice: the documents give
    none). ``enrollment.institutions`` validates the code against the county. Writes go through
    ``enrollment.institutions``."""

    class Kind(models.TextChoices):
        HOSPITAL = "hospital", _("designated hospital")
        PHARMACY = "pharmacy", _("designated retail pharmacy")

    class Level(models.TextChoices):
        TERTIARY = "tertiary", _("tertiary hospital")
        SECONDARY = "secondary", _("secondary hospital")
        PRIMARY = "primary", _("primary hospital or community clinic")
        PHARMACY = "pharmacy", _("retail pharmacy")

    class Status(models.TextChoices):
        ACTIVE = "active", _("active")
        SUSPENDED = "suspended", _("suspended")
        TERMINATED = "terminated", _("terminated")

    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="+", verbose_name=_("municipality")
    )
    county = models.ForeignKey(
        County,
        on_delete=models.PROTECT,
        related_name="designated_institutions",
        verbose_name=_("county"),
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    code = models.CharField(_("institution code"), max_length=12, unique=True)
    name = models.CharField(_("name"), max_length=200)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    agreement_from = models.DateField(_("agreement from"))
    agreement_to = models.DateField(_("agreement to"))
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.ACTIVE
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["county", "code"]
        verbose_name = _("designated institution")
        verbose_name_plural = _("designated institutions")
        constraints = [
            models.CheckConstraint(
                condition=Q(code__regex=r"^[HP][0-9]{11}$"), name="institution_code_format"
            ),
            models.CheckConstraint(
                condition=Q(agreement_to__gte=models.F("agreement_from")),
                name="institution_agreement_period",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class InstitutionReview(models.Model):
    """An admission (准入) or yearly review (年度考核) of a designated institution: who decided,
    when, the result and notes."""

    class Kind(models.TextChoices):
        ADMISSION = "admission", _("admission")
        YEARLY = "yearly", _("yearly review")

    class Result(models.TextChoices):
        PASSED = "passed", _("passed")
        FAILED = "failed", _("failed")

    institution = models.ForeignKey(
        DesignatedInstitution,
        on_delete=models.PROTECT,
        related_name="reviews",
        verbose_name=_("institution"),
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    year = models.PositiveSmallIntegerField(_("year reviewed"), null=True, blank=True)
    reviewed_on = models.DateField(_("reviewed on"))
    result = models.CharField(_("result"), max_length=10, choices=Result.choices)
    notes = models.TextField(_("notes"), blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        ordering = ["institution", "-reviewed_on", "-pk"]
        verbose_name = _("institution review")
        verbose_name_plural = _("institution reviews")
        constraints = [
            models.UniqueConstraint(
                fields=["institution", "year"],
                condition=Q(kind="yearly"),
                name="one_yearly_review_per_institution",
            ),
            models.UniqueConstraint(
                fields=["institution"],
                condition=Q(kind="admission"),
                name="one_admission_per_institution",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.institution} {self.get_kind_display()} {self.reviewed_on}"


# ---------------------------------------------------------------------------------------------
# Outpatient specified diseases and out-of-area care (J 二(四), DOMAIN §9; issue 7 items 3, 4)
# ---------------------------------------------------------------------------------------------


class SpecifiedDisease(models.Model):
    """A disease of the municipality's outpatient specified-disease catalogue (门诊规定病种)."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="+", verbose_name=_("municipality")
    )
    code = models.CharField(_("disease code"), max_length=20)
    name = models.CharField(_("name"), max_length=100)
    active = models.BooleanField(_("in the catalogue"), default=True)

    class Meta:
        ordering = ["municipality", "code"]
        verbose_name = _("outpatient specified disease")
        verbose_name_plural = _("outpatient specified diseases")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "code"], name="specified_disease_code_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class DecisionStatus(models.TextChoices):
    SUBMITTED = "submitted", _("submitted")
    APPROVED = "approved", _("approved")
    REFUSED = "refused", _("refused")


class DiseaseApplication(models.Model):
    """A person's application for outpatient specified-disease cover and the agency's
    assessment: approved from a date, or refused with a reason."""

    person = models.ForeignKey(
        InsuredPerson, on_delete=models.PROTECT, related_name="disease_applications",
        verbose_name=_("person"),
    )  # fmt: skip
    county = models.ForeignKey(
        County, on_delete=models.PROTECT, related_name="+", verbose_name=_("county")
    )
    disease = models.ForeignKey(
        SpecifiedDisease, on_delete=models.PROTECT, related_name="applications",
        verbose_name=_("disease"),
    )  # fmt: skip
    applied_on = models.DateField(_("applied on"))
    status = models.CharField(
        _("status"), max_length=10, choices=DecisionStatus.choices,
        default=DecisionStatus.SUBMITTED,
    )  # fmt: skip
    approved_from = models.DateField(_("approved from"), null=True, blank=True)
    refusal_reason = models.TextField(_("reason for refusal"), blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("submitted by"),
    )  # fmt: skip
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("assessed by"),
    )  # fmt: skip
    assessed_at = models.DateTimeField(_("assessed at"), null=True, blank=True)

    class Meta:
        ordering = ["-applied_on", "-pk"]
        verbose_name = _("specified-disease application")
        verbose_name_plural = _("specified-disease applications")
        constraints = [
            models.UniqueConstraint(
                fields=["person", "disease"],
                condition=Q(status__in=["submitted", "approved"]),
                name="one_open_disease_application",
            ),
            models.CheckConstraint(
                condition=~Q(status="approved") | Q(approved_from__isnull=False),
                name="disease_approved_has_date",
            ),
            models.CheckConstraint(
                condition=~Q(status="refused") | ~Q(refusal_reason=""),
                name="disease_refused_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person.name} {self.disease.name}"


class OutOfAreaFiling(models.Model):
    """An out-of-area care filing (异地就医备案) or a two-way referral record: where, why, from
    when to when, and the agency's decision."""

    class Kind(models.TextChoices):
        RESIDENT_ELSEWHERE = "resident_elsewhere", _("living elsewhere")
        WORKING_ELSEWHERE = "working_elsewhere", _("working elsewhere")
        REFERRAL_OUT = "referral_out", _("referral out of the pool")
        REFERRAL_BACK = "referral_back", _("referral back to the pool")

    person = models.ForeignKey(
        InsuredPerson, on_delete=models.PROTECT, related_name="out_of_area_filings",
        verbose_name=_("person"),
    )  # fmt: skip
    county = models.ForeignKey(
        County, on_delete=models.PROTECT, related_name="+", verbose_name=_("county")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    destination = models.CharField(_("where"), max_length=200)
    reason = models.CharField(_("why"), max_length=300)
    valid_from = models.DateField(_("from"))
    valid_to = models.DateField(_("to"))
    status = models.CharField(
        _("status"), max_length=10, choices=DecisionStatus.choices,
        default=DecisionStatus.SUBMITTED,
    )  # fmt: skip
    refusal_reason = models.TextField(_("reason for refusal"), blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("submitted by"),
    )  # fmt: skip
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("decided by"),
    )  # fmt: skip
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    created_at = models.DateTimeField(_("filed at"), auto_now_add=True)

    class Meta:
        ordering = ["-valid_from", "-pk"]
        verbose_name = _("out-of-area filing")
        verbose_name_plural = _("out-of-area filings")
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__gte=models.F("valid_from")), name="filing_period"
            ),
            models.CheckConstraint(
                condition=~Q(status="refused") | ~Q(refusal_reason=""),
                name="filing_refused_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person.name} → {self.destination}"
