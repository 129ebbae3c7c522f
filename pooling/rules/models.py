"""Dated rule values: every rate, amount, day count, share or flag of the policies, one
version per period."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from pooling.structure.models import County, Municipality


class PolicyRule(models.Model):
    """One dated version of a rule value (rate, amount, day count, share or flag).

    The keys and their meaning live in ``pooling.rules.catalogue.RULES``. A version applies to
    the whole municipality, or (before accession) to one county. Versions of the same key and
    scope never overlap; ``pooling.rules.selectors.rule_value`` returns the one in force for a
    day.
    """

    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="rules", verbose_name=_("municipality")
    )
    county = models.ForeignKey(
        County,
        on_delete=models.PROTECT,
        related_name="rules",
        null=True,
        blank=True,
        verbose_name=_("county"),
        help_text=_("Leave empty for a municipality-wide value."),
    )
    key = models.CharField(_("rule"), max_length=60)
    value = models.DecimalField(_("value"), max_digits=20, decimal_places=6)
    effective_from = models.DateField(_("effective from"))
    effective_to = models.DateField(_("effective until"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["municipality", "key", "county", "effective_from"]
        verbose_name = _("policy rule")
        verbose_name_plural = _("policy rules")
        indexes = [models.Index(fields=["municipality", "key", "effective_from"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(effective_to__isnull=True)
                | Q(effective_to__gte=models.F("effective_from")),
                name="policy_rule_ordered",
            ),
        ]

    def __str__(self) -> str:
        return _("%(key)s=%(value)s from %(start)s") % {
            "key": self.key,
            "value": f"{self.value.normalize():f}",
            "start": self.effective_from,
        }
