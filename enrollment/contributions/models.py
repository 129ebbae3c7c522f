"""What the insured owe (N 三(二)): employers' declared payrolls, people's declared wages (the
contribution bases) and the monthly assessment of each person, split by fund."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from enrollment.people.models import Employer, EnrollmentEpisode, InsuredPerson, Scope
from pooling.core.money import MoneyField, validate_month_start
from pooling.structure.models import County, Municipality


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
    # lookups, and every index costs ~2 million updates a month at city scale.
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
