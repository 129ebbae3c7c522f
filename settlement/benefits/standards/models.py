"""Benefit standards (待遇标准) as dated rules (J 二(三), N 三(三), Z 三; DOMAIN §15): per scheme,
person category, institution level, medical type and referral, the deductible per admission
(起付标准, lower from the second admission where set), the basic fund's payment ratio (支付比例)
and annual ceiling (最高支付限额), and the segment above the ceiling paid by the
critical-illness insurance or Jinan's large-expense relief fund (大额医疗费救助金)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from enrollment.people.models import Scheme
from pooling.core.money import MoneyField
from pooling.structure.models import Municipality


class PersonCategory(models.TextChoices):
    """Who a standard is for. The employee scheme distinguishes people in service and retirees
    (retirees' higher ratio); the resident categories stay plain values of the same field so
    the resident scheme's standards use them without a change here."""

    IN_SERVICE = "in_service", _("in service")
    RETIRED = "retired", _("retired")
    STUDENT = "student", _("student")
    CHILD = "child", _("child")
    ELDERLY = "elderly", _("elderly resident")
    RESIDENT_OTHER = "resident_other", _("other non-working urban resident")


class InstitutionLevel(models.TextChoices):
    PRIMARY = "primary", _("primary hospital or community clinic")
    SECONDARY = "secondary", _("secondary hospital")
    TERTIARY = "tertiary", _("tertiary hospital")


class MedicalType(models.TextChoices):
    INPATIENT = "inpatient", _("inpatient")
    SPECIFIED_DISEASE = "specified_disease", _("outpatient specified disease")
    GENERAL_OUTPATIENT = "general_outpatient", _("general outpatient pooling")
    MATERNITY = "maternity", _("maternity")


class Referral(models.TextChoices):
    IN_CITY = "in_city", _("in the city")
    REFERRED_OUT = "referred_out", _("referred out of the area")
    NOT_REFERRED = "not_referred", _("out of the area without referral")


class SegmentFund(models.TextChoices):
    NONE = "none", _("none")
    CRITICAL_ILLNESS = "critical_illness", _("critical-illness insurance (hifmi_pay)")
    LARGE_EXPENSE = "large_expense", _("large-expense relief fund (hifob_pay)")


class BenefitStandard(models.Model):
    """One dated version of a benefit standard. Versions of the same combination never
    overlap (service check); a change is a new version from a date, the open one before it is
    closed on the day before. ``demo_default`` marks values the policy documents do not give."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="+", verbose_name=_("municipality")
    )
    scheme = models.CharField(_("scheme"), max_length=20, choices=Scheme.choices)
    person_category = models.CharField(
        _("person category"), max_length=20, choices=PersonCategory.choices
    )
    institution_level = models.CharField(
        _("institution level"), max_length=10, choices=InstitutionLevel.choices
    )
    medical_type = models.CharField(_("medical type"), max_length=20, choices=MedicalType.choices)
    referral = models.CharField(_("referral"), max_length=20, choices=Referral.choices)
    deductible = MoneyField(_("deductible per admission"))
    deductible_repeat = MoneyField(
        _("deductible from the second admission"),
        null=True,
        blank=True,
        help_text=_("Leave empty when every admission bears the same deductible."),
    )
    payment_ratio = models.DecimalField(_("fund payment ratio"), max_digits=5, decimal_places=4)
    annual_ceiling = MoneyField(_("annual ceiling of the basic fund"))
    segment_fund = models.CharField(
        _("fund above the ceiling"),
        max_length=20,
        choices=SegmentFund.choices,
        default=SegmentFund.NONE,
    )
    segment_ratio = models.DecimalField(
        _("payment ratio above the ceiling"), max_digits=5, decimal_places=4, default=0
    )
    segment_ceiling = MoneyField(_("annual ceiling above the basic fund"), default=0)
    effective_from = models.DateField(_("effective from"))
    effective_to = models.DateField(_("effective until"), null=True, blank=True)
    demo_default = models.BooleanField(
        _("demo default"),
        default=False,
        help_text=_("The policy documents give no value; this one is a demo default."),
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = [
            "municipality",
            "scheme",
            "person_category",
            "medical_type",
            "institution_level",
            "referral",
            "effective_from",
        ]
        verbose_name = _("benefit standard")
        verbose_name_plural = _("benefit standards")
        indexes = [
            models.Index(
                fields=[
                    "municipality",
                    "scheme",
                    "person_category",
                    "institution_level",
                    "medical_type",
                    "referral",
                ],
                name="benefit_standard_lookup",
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(effective_to__isnull=True)
                | Q(effective_to__gte=models.F("effective_from")),
                name="benefit_standard_ordered",
            ),
            models.CheckConstraint(
                condition=Q(payment_ratio__gte=0, payment_ratio__lte=1)
                & Q(segment_ratio__gte=0, segment_ratio__lte=1),
                name="benefit_standard_ratios",
            ),
            models.CheckConstraint(
                condition=Q(deductible__gte=0)
                & Q(annual_ceiling__gte=0)
                & Q(segment_ceiling__gte=0)
                & (Q(deductible_repeat__isnull=True) | Q(deductible_repeat__gte=0)),
                name="benefit_standard_amounts",
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.get_scheme_display()} · {self.get_person_category_display()} · "
            f"{self.get_medical_type_display()} · {self.get_institution_level_display()} · "
            f"{self.get_referral_display()} {self.effective_from}"
        )

    # The combination a version belongs to; versions of one combination never overlap.
    COMBINATION = ("scheme", "person_category", "institution_level", "medical_type", "referral")
