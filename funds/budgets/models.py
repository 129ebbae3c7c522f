"""Annual fund budgets with their standard lines, and the counties' expenditure quotas
(N 三(四)1 and 3; DOMAIN §11). A budget moves draft → submitted → approved on its workflow
(declared at the bottom); writes go through ``funds.budgets.services``."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from funds.ledger.models import FundType
from pooling.core.money import MoneyField
from pooling.core.workflow import Transition, Workflow
from pooling.structure.models import County, Municipality


class BudgetLineCode(models.TextChoices):
    """The standard income and expenditure lines of a fund budget (DOMAIN §11)."""

    PREMIUMS = "premiums", _("premium income")
    INTEREST = "interest", _("interest income")
    FISCAL_SUBSIDY = "fiscal_subsidy", _("fiscal subsidy income")
    TRANSFER_IN = "transfer_in", _("transfers in")
    GRANT_FROM_HIGHER = "grant_from_higher", _("grants from the higher level")
    REMITTANCE_FROM_LOWER = "remittance_from_lower", _("remittances from lower levels")
    OTHER_INCOME = "other_income", _("other income")
    BENEFITS = "benefits", _("benefit expenditure")
    TRANSFER_OUT = "transfer_out", _("transfers out")
    GRANT_TO_LOWER = "grant_to_lower", _("grants to lower levels")
    REMITTANCE_TO_HIGHER = "remittance_to_higher", _("remittances to the higher level")
    OTHER_EXPENDITURE = "other_expenditure", _("other expenditure")


INCOME_LINES = frozenset(
    {
        BudgetLineCode.PREMIUMS,
        BudgetLineCode.INTEREST,
        BudgetLineCode.FISCAL_SUBSIDY,
        BudgetLineCode.TRANSFER_IN,
        BudgetLineCode.GRANT_FROM_HIGHER,
        BudgetLineCode.REMITTANCE_FROM_LOWER,
        BudgetLineCode.OTHER_INCOME,
    }
)


class FundBudget(models.Model):
    """A municipality's annual budget of one fund: drafted and submitted by the city agency,
    approved by the bureau after the people's congress (N 三(四)1), never by whoever submitted
    it (``BUDGET_WORKFLOW``)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        SUBMITTED = "submitted", _("submitted")
        APPROVED = "approved", _("approved")

    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="+", verbose_name=_("municipality")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    fund_type = models.ForeignKey(
        FundType, on_delete=models.PROTECT, related_name="+", verbose_name=_("fund")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("drafted by"),
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("submitted by"),
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
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
        ordering = ["municipality", "-year", "fund_type"]
        verbose_name = _("fund budget")
        verbose_name_plural = _("fund budgets")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "year", "fund_type"], name="one_budget_per_year_and_fund"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.fund_type.name}"


class BudgetLine(models.Model):
    """One standard line of a fund budget."""

    budget = models.ForeignKey(
        FundBudget, on_delete=models.CASCADE, related_name="lines", verbose_name=_("budget")
    )
    code = models.CharField(_("line"), max_length=30, choices=BudgetLineCode.choices)
    amount = MoneyField(_("amount"))

    class Meta:
        ordering = ["budget", "code"]
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")
        constraints = [
            models.UniqueConstraint(fields=["budget", "code"], name="one_budget_line_per_code"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="budget_line_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.get_code_display()} {self.amount:,.2f}"


class ExpenditureQuota(models.Model):
    """A county's budget and expenditure quota (总量定额) of one fund for one year: the ceiling
    of its annual plan (N 三(四)3). ``carried_forward`` is last year's unused quota, added when
    the ``quota_carry_forward`` rule says so."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="+", verbose_name=_("municipality")
    )
    county = models.ForeignKey(
        County, on_delete=models.PROTECT, related_name="+", verbose_name=_("county")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    fund_type = models.ForeignKey(
        FundType, on_delete=models.PROTECT, related_name="+", verbose_name=_("fund")
    )
    amount = MoneyField(_("budgeted quota"), default=0)
    carried_forward = MoneyField(_("carried forward from last year"), default=0)

    class Meta:
        ordering = ["municipality", "-year", "fund_type", "county"]
        verbose_name = _("expenditure quota")
        verbose_name_plural = _("expenditure quotas")
        constraints = [
            models.UniqueConstraint(
                fields=["county", "year", "fund_type"], name="one_quota_per_county_year_fund"
            ),
            models.CheckConstraint(
                condition=Q(amount__gte=0) & Q(carried_forward__gte=0),
                name="quota_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.county.name} {self.year} {self.fund_type.code}"

    @property
    def total(self):
        return self.amount + self.carried_forward


BUDGET_WORKFLOW = Workflow(
    FundBudget,
    [
        Transition(
            "submit",
            FundBudget.Status.DRAFT,
            FundBudget.Status.SUBMITTED,
            capability="funds.prepare_budget",
            service="fund_budget_submit",
            label=_("Submit to the bureau"),
            verb=_("submitted"),
        ),
        Transition(
            "approve",
            FundBudget.Status.SUBMITTED,
            FundBudget.Status.APPROVED,
            capability="funds.approve_budget",
            service="fund_budget_approve",
            label=_("Approve the budget"),
            verb=_("approved"),
            not_by_submitter=True,
        ),
    ],
)
