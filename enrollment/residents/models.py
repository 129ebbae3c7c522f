"""The resident scheme's enrollment year (DOMAIN §13; J 二(二)2, Z 二): a registered resident
enrols for a benefit year (January–December) in a category, possibly as a member of an
assisted group whose individual part another body pays, and owes that year's individual
contribution (``ResidentContribution``, assessed set-based).

Each enrollment keeps what the national long-term enrollment mechanism (国办发〔2024〕38号)
derives at enrollment: whether it was late, the years without enrollment before it, the
waiting period and the day benefits start, and the ceiling increment earned by continuous
enrollment and by years without fund payments.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from enrollment.people.models import InsuredPerson
from pooling.core.money import MoneyField
from pooling.structure.models import County, Municipality


class ResidentCategory(models.TextChoices):
    """The resident categories of DOMAIN §13; each has its own contribution rule."""

    STUDENT_CHILD = "student_child", _("primary or secondary student or child")
    COLLEGE_STUDENT = "college_student", _("college student")
    ELDERLY = "elderly", _("elderly resident")
    OTHER = "other", _("other non-working resident")


# The dated rule of each category's individual contribution (``pooling/rules/catalogue.py``).
CONTRIBUTION_RULE = {
    ResidentCategory.STUDENT_CHILD: "resident_contribution_student_child",
    ResidentCategory.COLLEGE_STUDENT: "resident_contribution_college_student",
    ResidentCategory.ELDERLY: "resident_contribution_elderly",
    ResidentCategory.OTHER: "resident_contribution_other",
}


class AssistedGroup(models.TextChoices):
    """Groups whose individual part medical assistance or civil affairs pays (DOMAIN §13)."""

    NONE = "none", _("not assisted")
    MINIMUM_LIVING = "minimum_living", _("minimum-living-allowance recipient (低保)")
    EXTREME_POVERTY = "extreme_poverty", _("person in extreme poverty (特困)")
    SEVERELY_DISABLED = "severely_disabled", _("severely disabled person")


class Payer(models.TextChoices):
    """Who pays the individual contribution."""

    SELF = "self", _("the resident (tax bureau)")
    MEDICAL_ASSISTANCE = "medical_assistance", _("medical assistance")
    CIVIL_AFFAIRS = "civil_affairs", _("civil affairs")
    DISABLED_FEDERATION = "disabled_federation", _("disabled persons' federation")


class ResidentEnrollment(models.Model):
    """One resident's enrollment for one benefit year (unique per person and year)."""

    person = models.ForeignKey(
        InsuredPerson,
        on_delete=models.PROTECT,
        related_name="resident_enrollments",
        verbose_name=_("person"),
    )
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="+", verbose_name=_("municipality")
    )
    county = models.ForeignKey(
        County, on_delete=models.PROTECT, related_name="+", verbose_name=_("county")
    )
    benefit_year = models.PositiveSmallIntegerField(_("benefit year"))
    category = models.CharField(_("category"), max_length=20, choices=ResidentCategory.choices)
    assisted_group = models.CharField(
        _("assisted group"),
        max_length=20,
        choices=AssistedGroup.choices,
        default=AssistedGroup.NONE,
    )
    payer = models.CharField(_("payer"), max_length=20, choices=Payer.choices, default=Payer.SELF)
    enrolled_on = models.DateField(_("enrolled on"))
    late = models.BooleanField(_("outside the enrollment period"), default=False)
    years_without_enrollment = models.PositiveSmallIntegerField(
        _("years without enrollment before"), default=0
    )
    waiting_months = models.PositiveSmallIntegerField(_("waiting period (months)"), default=0)
    benefits_from = models.DateField(_("benefits from"))
    continuous_years = models.PositiveSmallIntegerField(
        _("years of continuous enrollment"), default=1
    )
    claim_free_years = models.PositiveSmallIntegerField(
        _("earlier years without fund payments"), default=0
    )
    ceiling_increment = MoneyField(_("annual ceiling increment"), default=0)
    claim_free = models.BooleanField(
        _("no fund payments in this year"),
        null=True,
        blank=True,
        help_text=_("Recorded after the year; empty while unknown."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-benefit_year", "county", "pk"]
        verbose_name = _("resident enrollment")
        verbose_name_plural = _("resident enrollments")
        indexes = [models.Index(fields=["municipality", "benefit_year", "county"])]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "benefit_year"], name="resident_enrollment_once_per_year"
            ),
            # An assisted group's part is paid by the body recorded; others pay themselves.
            models.CheckConstraint(
                condition=(Q(assisted_group="none") & Q(payer="self"))
                | (~Q(assisted_group="none") & ~Q(payer="self")),
                name="resident_enrollment_payer_matches_group",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} {self.benefit_year}"


class ResidentContribution(models.Model):
    """The individual contribution a resident enrollment owes for its benefit year, assessed
    set-based (``enrollment.residents.services.resident_contributions_assess``); ``paid``
    rises when the money is booked (``funds.residents``)."""

    enrollment = models.OneToOneField(
        ResidentEnrollment,
        on_delete=models.PROTECT,
        related_name="contribution",
        verbose_name=_("enrollment"),
    )
    # Written once per resident and year (~4,000,000 rows in a large city): municipality and
    # county without a database key, as the monthly per-person tables (CITY_SCALE_KEYS in
    # ``enrollment.people.models``); they are copied from the enrollment, which keeps both keys.
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("municipality"),
        db_index=False,
        db_constraint=False,
    )
    county = models.ForeignKey(
        County,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("county"),
        db_index=False,
        db_constraint=False,
    )
    benefit_year = models.PositiveSmallIntegerField(_("benefit year"))
    payer = models.CharField(_("payer"), max_length=20, choices=Payer.choices)
    amount = MoneyField(_("amount due"))
    paid = MoneyField(_("paid"), default=0)
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    assessed_at = models.DateTimeField(_("assessed at"))

    class Meta:
        ordering = ["-benefit_year", "county", "pk"]
        verbose_name = _("resident contribution")
        verbose_name_plural = _("resident contributions")
        indexes = [models.Index(fields=["municipality", "benefit_year", "county", "payer"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(paid__gte=0) & Q(paid__lte=models.F("amount")),
                name="resident_contribution_paid_within_amount",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.enrollment} {self.amount}"

    @property
    def outstanding(self):
        return self.amount - self.paid
