"""The pooling structure: municipalities, their member units (counties), the pooling model
each unit follows over time, and accession evaluations."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from pooling.structure.validators import validate_municipality_code, validate_region_code


class Municipality(models.Model):
    """A prefecture-level city whose counties pool their funds (统筹区)."""

    code = models.CharField(
        _("region code"), max_length=6, unique=True, validators=[validate_municipality_code]
    )
    slug = models.SlugField(_("short name"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=50)
    name_en = models.CharField(_("English name"), max_length=80)
    pooling_start = models.DateField(_("pooling start date"))

    class Meta:
        ordering = ["code"]
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")

    def __str__(self) -> str:
        return self.name


class County(models.Model):
    """A member unit of the pool: district, county, county-level city, development zone, an
    enterprise's own insurance office, or the city level (市本级). Membership is dated."""

    class Kind(models.TextChoices):
        DISTRICT = "district", _("district")
        COUNTY = "county", _("county")
        COUNTY_CITY = "county_city", _("county-level city")
        DEVELOPMENT_ZONE = "development_zone", _("development zone")
        ENTERPRISE_OFFICE = "enterprise_office", _("enterprise insurance office")
        CITY_LEVEL = "city_level", _("city level")

    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        related_name="counties",
        verbose_name=_("municipality"),
    )
    code = models.CharField(_("region code"), max_length=6, validators=[validate_region_code])
    name = models.CharField(_("name"), max_length=50)
    name_en = models.CharField(_("English name"), max_length=80, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    member_from = models.DateField(_("member from"))
    member_to = models.DateField(_("member until"), null=True, blank=True)
    accession_date = models.DateField(
        _("accession date"),
        null=True,
        blank=True,
        help_text=_(
            "The day the county joined the city's unified rules after a passed evaluation."
        ),
    )

    class Meta:
        ordering = ["municipality", "code"]
        verbose_name = _("county")
        verbose_name_plural = _("counties")
        constraints = [
            models.UniqueConstraint(fields=["municipality", "code"], name="county_code_unique"),
            models.CheckConstraint(
                condition=Q(member_to__isnull=True) | Q(member_to__gte=models.F("member_from")),
                name="county_membership_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    def clean(self) -> None:
        """The code must belong to the municipality: same first four digits, and the city level
        uses the municipality's own code. An enterprise office keeps a local code."""
        if not self.municipality_id or not self.code:
            return
        municipality_code = self.municipality.code
        if self.kind == self.Kind.CITY_LEVEL and self.code != municipality_code:
            raise ValidationError(
                {"code": _("The city level uses the municipality's own code %(code)s.")},
                params={"code": municipality_code},
            )
        if self.kind != self.Kind.ENTERPRISE_OFFICE and self.code[:4] != municipality_code[:4]:
            raise ValidationError(
                {
                    "code": _("A member unit of %(name)s has a code beginning with %(prefix)s.")
                    % {"name": self.municipality.name, "prefix": municipality_code[:4]}
                }
            )

    def is_member_on(self, day: datetime.date) -> bool:
        return self.member_from <= day and (self.member_to is None or day <= self.member_to)


class PoolingModel(models.TextChoices):
    """How a county's funds are pooled (DOMAIN §3)."""

    TIERED = "tiered", _("tiered management")
    TIERED_ADJUSTMENT = "tiered_adjustment", _("tiered with risk-adjustment fund")
    UNIFIED = "unified", _("unified collection and expenditure")


class CountyPoolingModel(models.Model):
    """The pooling model a county follows over a period; periods of one county never overlap."""

    county = models.ForeignKey(
        County, on_delete=models.PROTECT, related_name="pooling_models", verbose_name=_("county")
    )
    model = models.CharField(_("pooling model"), max_length=20, choices=PoolingModel.choices)
    effective_from = models.DateField(_("effective from"))
    effective_to = models.DateField(_("effective until"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["county", "effective_from"]
        verbose_name = _("county pooling model")
        verbose_name_plural = _("county pooling models")
        constraints = [
            models.UniqueConstraint(
                fields=["county", "effective_from"], name="county_pooling_model_start_unique"
            ),
            models.CheckConstraint(
                condition=Q(effective_to__isnull=True)
                | Q(effective_to__gte=models.F("effective_from")),
                name="county_pooling_model_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.county}: {self.get_model_display()} {self.effective_from}"


class AccessionEvaluation(models.Model):
    """An evaluation of a county for joining the pool (J 二, 考评合格). A pass schedules the
    joining date and the model change; a fail leaves the county as it was."""

    class Result(models.TextChoices):
        PASSED = "passed", _("passed")
        FAILED = "failed", _("failed")

    county = models.ForeignKey(
        County, on_delete=models.PROTECT, related_name="evaluations", verbose_name=_("county")
    )
    evaluated_on = models.DateField(_("evaluation date"))
    result = models.CharField(_("result"), max_length=10, choices=Result.choices)
    notes = models.TextField(_("notes"), blank=True)
    join_date = models.DateField(_("joining date"), null=True, blank=True)
    model_after = models.CharField(
        _("pooling model after joining"), max_length=20, choices=PoolingModel.choices, blank=True
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, verbose_name=_("decided by")
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        ordering = ["-evaluated_on", "-pk"]
        verbose_name = _("accession evaluation")
        verbose_name_plural = _("accession evaluations")
        constraints = [
            models.CheckConstraint(
                condition=Q(result="failed") | (Q(join_date__isnull=False) & ~Q(model_after="")),
                name="accession_pass_has_join_date_and_model",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.county} {self.evaluated_on} {self.get_result_display()}"
