"""Outpatient specified diseases (门诊规定病种) and out-of-area care filings (异地就医备案)
with two-way referral records (J 二(四), DOMAIN §9): the municipality's disease catalogue,
people's applications and filings, and the workflow of the agency's decision on them."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from enrollment.people.models import InsuredPerson
from pooling.core.workflow import Transition, Workflow
from pooling.structure.models import County, Municipality


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
        InsuredPerson,
        on_delete=models.PROTECT,
        related_name="disease_applications",
        verbose_name=_("person"),
    )
    county = models.ForeignKey(
        County, on_delete=models.PROTECT, related_name="+", verbose_name=_("county")
    )
    disease = models.ForeignKey(
        SpecifiedDisease,
        on_delete=models.PROTECT,
        related_name="applications",
        verbose_name=_("disease"),
    )
    applied_on = models.DateField(_("applied on"))
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=DecisionStatus.choices,
        default=DecisionStatus.SUBMITTED,
    )
    approved_from = models.DateField(_("approved from"), null=True, blank=True)
    refusal_reason = models.TextField(_("reason for refusal"), blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("submitted by"),
    )
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("assessed by"),
    )
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
        InsuredPerson,
        on_delete=models.PROTECT,
        related_name="out_of_area_filings",
        verbose_name=_("person"),
    )
    county = models.ForeignKey(
        County, on_delete=models.PROTECT, related_name="+", verbose_name=_("county")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    destination = models.CharField(_("where"), max_length=200)
    reason = models.CharField(_("why"), max_length=300)
    valid_from = models.DateField(_("from"))
    valid_to = models.DateField(_("to"))
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=DecisionStatus.choices,
        default=DecisionStatus.SUBMITTED,
    )
    refusal_reason = models.TextField(_("reason for refusal"), blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("submitted by"),
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
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


# Decision workflows: a county office or the city agency approves or refuses what was
# submitted, once. Applicants may decide their own submissions (the same office takes and
# decides them).

DECIDE_CARE = "enrollment.decide_care"


def _decision(service: str) -> list[Transition]:
    return [
        Transition(
            action,
            DecisionStatus.SUBMITTED,
            target,
            capability=DECIDE_CARE,
            service=service,
            label=label,
            verb=_("decided"),
        )
        for action, target, label in (
            ("approve", DecisionStatus.APPROVED, _("Approve")),
            ("refuse", DecisionStatus.REFUSED, _("Refuse")),
        )
    ]


DISEASE_APPLICATION_WORKFLOW = Workflow(DiseaseApplication, _decision("disease_application_assess"))
OUT_OF_AREA_FILING_WORKFLOW = Workflow(OutOfAreaFiling, _decision("out_of_area_filing_decide"))
