"""Annual expenditure plans, the counties' monthly usage plans, the city monthly plan and
its dated steps (N 三(四)4). Writes go through ``settlement.plans.services``; the status
workflows of the three plans are declared at the bottom."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from funds.ledger.models import FundType
from pooling.accounts.models import User
from pooling.core.money import MoneyField, validate_month_start
from pooling.core.workflow import Transition, Workflow
from pooling.structure.models import County, Municipality


class PlanPurpose(models.TextChoices):
    """What a usage-plan line pays for (N 三(四)3)."""

    BENEFITS = "benefits", _("medical benefits")
    CRITICAL_ILLNESS = "critical_illness", _("critical-illness insurance")
    MATERNITY = "maternity", _("maternity benefits")
    OTHER = "other", _("other expenditure")


class AnnualPlan(models.Model):
    """A county's annual expenditure plan within its quota: submitted by the county, reviewed
    and consolidated by the city agency, approved by the bureau; the approved plan is the
    ceiling of the year's allocations (N 三(四)4)."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("submitted")
        RETURNED = "returned", _("returned")
        REVIEWED = "reviewed", _("reviewed")
        APPROVED = "approved", _("approved")

    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="+", verbose_name=_("municipality")
    )
    county = models.ForeignKey(
        County, on_delete=models.PROTECT, related_name="+", verbose_name=_("county")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    return_reason = models.CharField(_("reason for return"), max_length=300, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("submitted by"),
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("approved by"),
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)

    class Meta:
        ordering = ["-year", "county"]
        verbose_name = _("annual expenditure plan")
        verbose_name_plural = _("annual expenditure plans")
        constraints = [
            models.UniqueConstraint(fields=["county", "year"], name="one_annual_plan_per_year"),
        ]

    def __str__(self) -> str:
        return f"{self.county.name} {self.year}"


class AnnualPlanLine(models.Model):
    plan = models.ForeignKey(
        AnnualPlan, on_delete=models.CASCADE, related_name="lines", verbose_name=_("plan")
    )
    fund_type = models.ForeignKey(
        FundType, on_delete=models.PROTECT, related_name="+", verbose_name=_("fund")
    )
    amount = MoneyField(_("amount"))

    class Meta:
        ordering = ["plan", "fund_type"]
        verbose_name = _("annual plan line")
        verbose_name_plural = _("annual plan lines")
        constraints = [
            models.UniqueConstraint(fields=["plan", "fund_type"], name="one_annual_line_per_fund"),
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="annual_line_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.fund_type_id}: {self.amount}"


class CityMonthlyPlan(models.Model):
    """The city-wide usage plan of a month (全市基金当月使用计划): consolidated by the city
    agency, approved by the bureau who requests the funds, disbursed by finance into the city
    expenditure account, allocated to the counties' expenditure accounts (N 三(四)4)."""

    class Status(models.TextChoices):
        CONSOLIDATED = "consolidated", _("consolidated")
        APPROVED = "approved", _("approved")
        REQUESTED = "requested", _("funding requested")
        DISBURSED = "disbursed", _("disbursed")
        ALLOCATED = "allocated", _("allocated")

    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="+", verbose_name=_("municipality")
    )
    month = models.DateField(_("month"), validators=[validate_month_start])
    status = models.CharField(_("status"), max_length=15, choices=Status.choices)
    missing_counties = models.JSONField(_("counties without a plan"), default=list, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-month", "municipality"]
        verbose_name = _("city monthly plan")
        verbose_name_plural = _("city monthly plans")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "month"], name="one_city_plan_per_month"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.municipality} {self.month:%Y-%m}"


class UsagePlan(models.Model):
    """A county's usage plan for next month (分月使用计划), due by the deadline day of the month
    before; a late plan is flagged (N 三(四)4)."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("submitted")
        RETURNED = "returned", _("returned")
        CONSOLIDATED = "consolidated", _("consolidated")

    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="+", verbose_name=_("municipality")
    )
    county = models.ForeignKey(
        County, on_delete=models.PROTECT, related_name="+", verbose_name=_("county")
    )
    month = models.DateField(_("month"), validators=[validate_month_start])
    status = models.CharField(_("status"), max_length=15, choices=Status.choices)
    deadline = models.DateField(_("deadline"))
    is_late = models.BooleanField(_("late"), default=False)
    note = models.CharField(_("note"), max_length=300, blank=True)
    return_reason = models.CharField(_("reason for return"), max_length=300, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("submitted by"),
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    returned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("returned by"),
    )
    city_plan = models.ForeignKey(
        CityMonthlyPlan,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="usage_plans",
        verbose_name=_("city monthly plan"),
    )

    class Meta:
        ordering = ["-month", "county"]
        verbose_name = _("usage plan")
        verbose_name_plural = _("usage plans")
        constraints = [
            models.UniqueConstraint(fields=["county", "month"], name="one_usage_plan_per_month"),
        ]

    def __str__(self) -> str:
        return f"{self.county.name} {self.month:%Y-%m}"


class UsagePlanLine(models.Model):
    plan = models.ForeignKey(
        UsagePlan, on_delete=models.CASCADE, related_name="lines", verbose_name=_("plan")
    )
    fund_type = models.ForeignKey(
        FundType, on_delete=models.PROTECT, related_name="+", verbose_name=_("fund")
    )
    purpose = models.CharField(_("purpose"), max_length=20, choices=PlanPurpose.choices)
    amount = MoneyField(_("amount"))

    class Meta:
        ordering = ["plan", "fund_type", "purpose"]
        verbose_name = _("usage plan line")
        verbose_name_plural = _("usage plan lines")
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "fund_type", "purpose"], name="one_usage_line_per_fund_purpose"
            ),
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="usage_line_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.fund_type_id} {self.purpose}: {self.amount}"


class PlanStepName(models.TextChoices):
    """The city's steps of a month's plan, in order."""

    CONSOLIDATION = "consolidation", _("consolidation")
    APPROVAL = "approval", _("approval")
    FUNDING_REQUEST = "funding_request", _("funding request")
    DISBURSEMENT = "disbursement", _("disbursement")
    ALLOCATION = "allocation", _("allocation")


class PlanStep(models.Model):
    """One step of a city monthly plan: who did it, when, its deadline and whether it was on
    time. A step is created with its deadline as soon as that deadline is known."""

    city_plan = models.ForeignKey(
        CityMonthlyPlan,
        on_delete=models.PROTECT,
        related_name="steps",
        verbose_name=_("city monthly plan"),
    )
    name = models.CharField(_("step"), max_length=20, choices=PlanStepName.choices)
    deadline = models.DateField(_("deadline"))
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("done by"),
    )
    on_time = models.BooleanField(_("on time"), null=True, blank=True)

    class Meta:
        ordering = ["city_plan", "deadline", "pk"]
        verbose_name = _("plan step")
        verbose_name_plural = _("plan steps")
        constraints = [
            models.UniqueConstraint(fields=["city_plan", "name"], name="one_plan_step_per_name"),
        ]

    def __str__(self) -> str:
        return f"{self.city_plan} {self.get_name_display()}"


# ---------------------------------------------------------------------------------------------
# Workflows: each step of a plan, who takes it and through which service
# ---------------------------------------------------------------------------------------------


def approved_by_someone_else(user: User, plan: AnnualPlan) -> bool:
    """Segregation of duties: neither who submitted an annual plan nor who reviewed it
    approves it."""
    return user.pk not in (plan.submitted_by_id, plan.reviewed_by_id)


def not_the_consolidator(user: User, city_plan: CityMonthlyPlan) -> bool:
    """Segregation of duties: who consolidated a city plan does not approve it."""
    return not PlanStep.objects.filter(
        city_plan=city_plan, name=PlanStepName.CONSOLIDATION, done_by=user
    ).exists()


ANNUAL_PLAN_WORKFLOW = Workflow(
    AnnualPlan,
    [
        Transition(
            "resubmit",
            AnnualPlan.Status.RETURNED,
            AnnualPlan.Status.SUBMITTED,
            capability="settlement.submit_plans",
            service="annual_plan_submit",
            label=_("Submit the plan"),
            verb=_("submitted again"),
        ),
        Transition(
            "review",
            AnnualPlan.Status.SUBMITTED,
            AnnualPlan.Status.REVIEWED,
            capability="settlement.review_plans",
            service="annual_plan_review",
            label=_("Review and take into the consolidation"),
            verb=_("reviewed"),
        ),
        Transition(
            "return",
            AnnualPlan.Status.SUBMITTED,
            AnnualPlan.Status.RETURNED,
            capability="settlement.review_plans",
            service="annual_plan_return",
            label=_("Return to the county"),
            verb=_("returned"),
        ),
        Transition(
            "approve",
            AnnualPlan.Status.REVIEWED,
            AnnualPlan.Status.APPROVED,
            capability="settlement.approve_plans",
            service="annual_plan_approve",
            label=_("Approve the annual plan"),
            verb=_("approved"),
            not_by_submitter=True,
            guard=approved_by_someone_else,
        ),
    ],
)

USAGE_PLAN_WORKFLOW = Workflow(
    UsagePlan,
    [
        Transition(
            "resubmit",
            UsagePlan.Status.RETURNED,
            UsagePlan.Status.SUBMITTED,
            capability="settlement.submit_plans",
            service="usage_plan_submit",
            label=_("Submit the plan"),
            verb=_("submitted again"),
        ),
        Transition(
            "return",
            UsagePlan.Status.SUBMITTED,
            UsagePlan.Status.RETURNED,
            capability="settlement.review_plans",
            service="usage_plan_return",
            label=_("Return to the county"),
            verb=_("returned"),
        ),
        Transition(
            "consolidate",
            UsagePlan.Status.SUBMITTED,
            UsagePlan.Status.CONSOLIDATED,
            capability="settlement.review_plans",
            service="city_plan_consolidate",
            label=_("Consolidate the city plan"),
            verb=_("consolidated"),
        ),
    ],
)

CITY_PLAN_WORKFLOW = Workflow(
    CityMonthlyPlan,
    [
        Transition(
            "approve",
            CityMonthlyPlan.Status.CONSOLIDATED,
            CityMonthlyPlan.Status.APPROVED,
            capability="settlement.approve_plans",
            service="city_plan_approve",
            label=_("Approve the city plan"),
            verb=_("approved"),
            guard=not_the_consolidator,
        ),
        Transition(
            "request",
            CityMonthlyPlan.Status.APPROVED,
            CityMonthlyPlan.Status.REQUESTED,
            capability="settlement.approve_plans",
            service="city_plan_request_funding",
            label=_("Send the funding request to finance"),
            verb=_("requested from finance"),
        ),
        Transition(
            "disburse",
            CityMonthlyPlan.Status.REQUESTED,
            CityMonthlyPlan.Status.DISBURSED,
            capability="settlement.confirm_disbursement",
            service="disbursement_confirm",
            label=_("Confirm the disbursement"),
            verb=_("disbursed"),
        ),
        Transition(
            "allocate",
            CityMonthlyPlan.Status.DISBURSED,
            CityMonthlyPlan.Status.ALLOCATED,
            capability="settlement.allocate",
            service="allocation_run",
            label=_("Allocate to the counties"),
            verb=_("allocated"),
        ),
    ],
)
