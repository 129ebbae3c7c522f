"""Designated hospitals and retail pharmacies (定点医疗机构 / 定点零售药店; J 二(四), DOMAIN §9):
the institution under its agreement, its admission and yearly reviews, and the workflow of its
status (active ⇄ suspended → terminated)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from pooling.core.workflow import Transition, Workflow
from pooling.structure.models import County, Municipality


class DesignatedInstitution(models.Model):
    """A hospital or retail pharmacy allowed to bill the insurance under an agreement.

    Codes: a hospital is "H" + the county's 6-digit GB/T 2260 code + a 5-digit sequence
    (DOMAIN §11); a pharmacy follows the same scheme with "P" (our choice: the documents give
    none). Writes, the check of the code against the county included, go through
    ``settlement.institutions.services``."""

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
        # The table keeps its name from before the feature moved to this app.
        db_table = "enrollment_designatedinstitution"
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
        # The table keeps its name from before the feature moved to this app.
        db_table = "enrollment_institutionreview"
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


# An institution's status (J 二(四)): the county suspends it (or a failed yearly review does),
# reinstates it, or terminates the agreement; a terminated agreement is not reinstated, a new
# one is a new admission. ``institution_update`` takes the step the edit form asks for.
INSTITUTION_WORKFLOW = Workflow(
    DesignatedInstitution,
    [
        Transition(
            "suspend",
            DesignatedInstitution.Status.ACTIVE,
            DesignatedInstitution.Status.SUSPENDED,
            capability="settlement.change_institutions",
            service="institution_update",
            label=_("Suspend"),
            verb=_("suspended"),
        ),
        Transition(
            "reinstate",
            DesignatedInstitution.Status.SUSPENDED,
            DesignatedInstitution.Status.ACTIVE,
            capability="settlement.change_institutions",
            service="institution_update",
            label=_("Reinstate"),
            verb=_("reinstated"),
        ),
        Transition(
            "terminate",
            (DesignatedInstitution.Status.ACTIVE, DesignatedInstitution.Status.SUSPENDED),
            DesignatedInstitution.Status.TERMINATED,
            capability="settlement.change_institutions",
            service="institution_update",
            label=_("Terminate the agreement"),
            verb=_("terminated"),
        ),
    ],
)
