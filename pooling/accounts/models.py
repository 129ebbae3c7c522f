"""Users with their role (and the county of a county officer), and the audit log every
business write records an event in."""

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from pooling.structure.models import County, Municipality


class Role(models.TextChoices):
    """The actors of DOMAIN §2, plus the administrator of reference data."""

    AGENCY_CLERK = "agency_clerk", _("city handling agency clerk")
    BUREAU_APPROVER = "bureau_approver", _("medical security bureau approver")
    FINANCE_OFFICER = "finance_officer", _("finance bureau officer")
    COUNTY_OFFICER = "county_officer", _("county officer")
    AUDITOR = "auditor", _("auditor")
    ADMINISTRATOR = "administrator", _("administrator")


class User(AbstractUser):
    """A person using the product. A county officer is bound to exactly one county; every
    other role works for the whole municipality and has no county."""

    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        verbose_name=_("municipality"),
    )
    county = models.ForeignKey(
        County,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="officers",
        verbose_name=_("county"),
    )

    class Meta(AbstractUser.Meta):
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                condition=(Q(role="county_officer") & Q(county__isnull=False))
                | (~Q(role="county_officer") & Q(county__isnull=True)),
                name="user_county_only_for_county_officer",
            ),
        ]

    def clean(self) -> None:
        super().clean()
        if self.role == Role.COUNTY_OFFICER and not self.county_id:
            raise ValidationError({"county": _("A county officer must be bound to one county.")})
        if self.role != Role.COUNTY_OFFICER and self.county_id:
            raise ValidationError({"county": _("Only a county officer is bound to a county.")})
        if self.county_id and self.municipality_id != self.county.municipality_id:
            raise ValidationError(
                {"county": _("The county must belong to the user's municipality.")}
            )


class AuditEvent(models.Model):
    """One business write: who did what to which object, with the state before and after."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="audit_events",
        verbose_name=_("actor"),
    )
    action = models.CharField(_("action"), max_length=60, db_index=True)
    object_type = models.CharField(_("object type"), max_length=60, db_index=True)
    object_id = models.CharField(_("object id"), max_length=40)
    object_repr = models.CharField(_("object"), max_length=200)
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("municipality"),
    )
    county = models.ForeignKey(
        County,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("county"),
    )
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)
    at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_repr}"
