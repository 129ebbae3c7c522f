"""The tax bureau's collection files (DOMAIN §11): a batch per file, a row per line with the
outcome of its matching, the allocation of matched money to assessments by fund, and the
batch's workflow from ready to posted."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from enrollment.contributions.models import Assessment
from enrollment.people.models import Employer, InsuredPerson
from pooling.core.money import MoneyField
from pooling.core.workflow import Transition, Workflow
from pooling.structure.models import County, Municipality


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


# A batch is posted once, by the funds app (``funds.booking``), which posts its ledger entries
# and then calls ``collection_batch_mark_posted`` in the same transaction.
COLLECTION_BATCH_WORKFLOW = Workflow(
    CollectionBatch,
    [
        Transition(
            "post",
            CollectionBatch.Status.READY,
            CollectionBatch.Status.POSTED,
            capability="funds.post_collections",
            service="collection_batch_mark_posted",
            label=_("Post"),
            verb=_("posted again"),
        )
    ],
)
