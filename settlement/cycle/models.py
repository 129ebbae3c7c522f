"""The monthly remittance cycle: one record per municipality and month, its ordered steps,
and the remittance lines fixed at the collections cut-off (DOMAIN §6, §7, §11). Writes go
through ``settlement.cycle.services``; the workflows of a cycle and of its steps are declared
at the bottom."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from funds.ledger.models import Account, FundType, JournalEntry
from pooling.core.money import MoneyField, validate_month_start
from pooling.core.workflow import Transition, Workflow
from pooling.structure.models import County, Municipality, PoolingModel


class StepName(models.TextChoices):
    """The steps of a month, in the order they run."""

    ASSESSMENT = "assessment", _("assessment")
    COLLECTIONS_CUTOFF = "collections_cutoff", _("collections cut-off")
    REMITTANCE = "remittance", _("county → city remittance")
    FISCAL_TRANSFER = "fiscal_transfer", _("city → fiscal special account transfer")
    ZERO_BALANCE_CHECK = "zero_balance_check", _("zero-balance check")
    MONTH_CLOSE = "month_close", _("month close")


STEP_ORDER: list[str] = [choice.value for choice in StepName]


class MonthlyCycle(models.Model):
    """A municipality's monthly cycle. One per month: a second trigger finds the first."""

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        RUNNING = "running", _("running")
        FAILED = "failed", _("failed")
        COMPLETED = "completed", _("completed")

    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="+", verbose_name=_("municipality")
    )
    month = models.DateField(_("month"), validators=[validate_month_start])
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("started by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        ordering = ["-month", "municipality"]
        verbose_name = _("monthly cycle")
        verbose_name_plural = _("monthly cycles")
        constraints = [
            models.UniqueConstraint(fields=["municipality", "month"], name="one_cycle_per_month")
        ]

    def __str__(self) -> str:
        return f"{self.municipality} {self.month:%Y-%m}"


# What a step's figures mean, for the page: ``details`` keys are what the step's runner
# returns (``settlement.cycle.services``); an unknown key is shown as it is.
STEP_DETAIL_LABELS = {
    "missing_base": _("insured without a contribution base"),
    "accounts": _("accounts swept"),
    "retirees_credited": _("retirees credited"),
    "retiree_credits_pending": _("retiree credits pending"),
    "collection_batches_posted": _("collection files posted"),
    "entries_created": _("ledger entries created"),
    "parts": _("counties run as parts"),
}


class CycleStep(models.Model):
    """One step of a cycle with its figures. A step's ledger work is one transaction: a
    failure leaves the ledger as it was and the step can be run again."""

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    cycle = models.ForeignKey(
        MonthlyCycle, on_delete=models.PROTECT, related_name="steps", verbose_name=_("cycle")
    )
    name = models.CharField(_("step"), max_length=30, choices=StepName.choices)
    position = models.PositiveSmallIntegerField(_("position"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    count = models.PositiveIntegerField(_("count"), default=0)
    amount = MoneyField(_("amount"), default=0)
    error = models.TextField(_("error"), blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        ordering = ["cycle", "position"]
        verbose_name = _("cycle step")
        verbose_name_plural = _("cycle steps")
        constraints = [models.UniqueConstraint(fields=["cycle", "name"], name="one_step_per_cycle")]

    def __str__(self) -> str:
        return f"{self.cycle} {self.get_name_display()}"

    def details_display(self) -> list[tuple[str, object]]:
        """The step's details as (label, value) pairs in the reader's language."""
        return [
            (str(STEP_DETAIL_LABELS.get(key, key)), value)
            for key, value in (self.details or {}).items()
        ]


class CyclePart(models.Model):
    """One county's part of a step that runs per county (``PARTITIONED_STEPS`` in the
    services: assessment, remittance), on a Celery worker of its own when a broker is
    configured. A part is one transaction and idempotent; its step is done when all its parts
    are."""

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    step = models.ForeignKey(
        CycleStep, on_delete=models.PROTECT, related_name="parts", verbose_name=_("step")
    )
    county = models.ForeignKey(
        County, on_delete=models.PROTECT, related_name="+", verbose_name=_("county")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    count = models.PositiveIntegerField(_("count"), default=0)
    amount = MoneyField(_("amount"), default=0)
    error = models.TextField(_("error"), blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        ordering = ["step", "county__code"]
        verbose_name = _("cycle step part")
        verbose_name_plural = _("cycle step parts")
        constraints = [
            models.UniqueConstraint(fields=["step", "county"], name="one_part_per_step_and_county")
        ]

    def __str__(self) -> str:
        return f"{self.step} {self.county}"


class RemittanceLine(models.Model):
    """One movement the cycle makes: fixed at the cut-off from the county's pooling model in
    force for the month, posted by the remittance or transfer step."""

    class Stage(models.TextChoices):
        REMITTANCE = "remittance", _("remittance")
        FISCAL_TRANSFER = "fiscal_transfer", _("fiscal transfer")

    cycle = models.ForeignKey(
        MonthlyCycle, on_delete=models.PROTECT, related_name="lines", verbose_name=_("cycle")
    )
    stage = models.CharField(_("stage"), max_length=20, choices=Stage.choices)
    county = models.ForeignKey(
        County,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("county"),
    )
    pooling_model = models.CharField(
        _("pooling model"), max_length=20, choices=PoolingModel.choices, blank=True
    )
    fund_type = models.ForeignKey(
        FundType, on_delete=models.PROTECT, related_name="+", verbose_name=_("fund")
    )
    from_account = models.ForeignKey(
        Account, on_delete=models.PROTECT, related_name="+", verbose_name=_("from account")
    )
    to_account = models.ForeignKey(
        Account, on_delete=models.PROTECT, related_name="+", verbose_name=_("to account")
    )
    amount = MoneyField(_("amount"))
    entry = models.ForeignKey(
        JournalEntry,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ledger entry"),
    )

    class Meta:
        ordering = ["cycle", "stage", "county", "fund_type"]
        verbose_name = _("remittance line")
        verbose_name_plural = _("remittance lines")
        constraints = [
            models.UniqueConstraint(
                fields=["cycle", "stage", "from_account"], name="one_line_per_account_and_stage"
            ),
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="line_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.from_account} → {self.to_account}: {self.amount:,.2f}"


# ---------------------------------------------------------------------------------------------
# Workflows. A cycle's status follows its steps: running while one runs, failed when one
# failed, completed when all are done; a failed step is run again by the agency. The steps'
# runs are the cycle service's (``cycle_step_run``), started by whoever runs the cycle.
# ---------------------------------------------------------------------------------------------

CYCLE_WORKFLOW = Workflow(
    MonthlyCycle,
    [
        Transition(
            "run",
            (MonthlyCycle.Status.PENDING, MonthlyCycle.Status.RUNNING, MonthlyCycle.Status.FAILED),
            MonthlyCycle.Status.RUNNING,
            capability="settlement.run_cycle",
            service="cycle_step_run",
            label=_("Run"),
            verb=_("run"),
        ),
        Transition(
            "fail",
            MonthlyCycle.Status.RUNNING,
            MonthlyCycle.Status.FAILED,
            capability="settlement.run_cycle",
            service="cycle_step_run",
            label=_("failed"),
            verb=_("failed"),
        ),
        Transition(
            "complete",
            MonthlyCycle.Status.RUNNING,
            MonthlyCycle.Status.COMPLETED,
            capability="settlement.run_cycle",
            service="cycle_step_run",
            label=_("completed"),
            verb=_("completed"),
        ),
    ],
)

CYCLE_STEP_WORKFLOW = Workflow(
    CycleStep,
    [
        Transition(
            "finish",
            (CycleStep.Status.PENDING, CycleStep.Status.FAILED),
            CycleStep.Status.DONE,
            capability="settlement.run_cycle",
            service="cycle_step_run",
            label=_("done"),
            verb=_("done"),
        ),
        Transition(
            "fail",
            (CycleStep.Status.PENDING, CycleStep.Status.FAILED),
            CycleStep.Status.FAILED,
            capability="settlement.run_cycle",
            service="cycle_step_run",
            label=_("failed"),
            verb=_("failed"),
        ),
        Transition(
            "rerun",
            CycleStep.Status.FAILED,
            CycleStep.Status.PENDING,
            capability="settlement.run_cycle",
            service="cycle_step_rerun",
            label=_("Run again"),
            verb=_("run again"),
        ),
    ],
)

CYCLE_PART_WORKFLOW = Workflow(
    CyclePart,
    [
        Transition(
            "finish",
            (CyclePart.Status.PENDING, CyclePart.Status.FAILED),
            CyclePart.Status.DONE,
            capability="settlement.run_cycle",
            service="cycle_part_run",
            label=_("done"),
            verb=_("done"),
        ),
        Transition(
            "fail",
            (CyclePart.Status.PENDING, CyclePart.Status.FAILED),
            CyclePart.Status.FAILED,
            capability="settlement.run_cycle",
            service="cycle_part_run",
            label=_("failed"),
            verb=_("failed"),
        ),
    ],
)
