"""The targets the city sets each county for a year (Z 四(八), J 二(五)3)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from pooling.core.money import MoneyField
from pooling.structure.models import County, Municipality


class CountyTarget(models.Model):
    """The targets the city sets a county (or the city level) for one year: enrollment
    (insured people at year end), collection (yuan collected), and the revenue and
    expenditure plan of its funds (Z 四(八), J 二(五)3). Assessed at year end
    (``settlement.targets.selectors``); writes go through ``settlement.targets.services``."""

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
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("set by"),
    )
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
