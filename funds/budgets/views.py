"""Pages of annual fund budgets and county expenditure quotas (N 三(四)1 and 3): the agency
drafts a budget with the standard lines, splits it into county quotas and submits it; the
bureau approves it (never the person who submitted it); at year close the agency carries the
unused quotas forward when the rule in force says so."""

from django import forms
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import ListView

from funds.budgets import selectors, services
from funds.budgets.forms import BudgetDraftForm, QuotaForm
from funds.budgets.models import BUDGET_WORKFLOW, FundBudget
from pooling.core.views import CapabilityRequiredMixin, ServiceFormView


class BudgetListView(CapabilityRequiredMixin, ListView):
    capability = "funds.view_budgets"
    template_name = "funds/budgets/budget_list.html"
    paginate_by = 50

    def get_queryset(self):
        return selectors.budgets_for(user=self.request.user)


class _BudgetPage(ServiceFormView):
    """A page about one budget (``pk``) of the user's municipality (another's is a 404): by
    default one button whose form has no fields, a refusal shown above it."""

    capability = "funds.view_budgets"

    @cached_property
    def budget(self) -> FundBudget:
        return get_object_or_404(
            selectors.budgets_for(user=self.request.user), pk=self.kwargs["pk"]
        )

    @property
    def heading(self) -> str:
        return f"{self.submit_label} · {self.budget}"

    def get_form(self, data=None, files=None) -> forms.Form:
        return forms.Form(data)

    def get_success_url(self, result) -> str:
        return reverse("funds:budget_detail", args=[self.budget.pk])

    def get_cancel_url(self) -> str:
        return self.get_success_url(None)


class BudgetDraftView(ServiceFormView):
    """A new budget, or (with ``pk``) new lines for a budget still in draft."""

    capability = write_capability = "funds.prepare_budget"
    template_name = "funds/budgets/budget_form.html"
    success_message = gettext_lazy("The budget draft was saved.")
    cancel_url_name = "funds:budget_list"

    @cached_property
    def budget(self) -> FundBudget | None:
        if "pk" not in self.kwargs:
            return None
        return get_object_or_404(
            selectors.budgets_for(user=self.request.user), pk=self.kwargs["pk"]
        )

    @property
    def heading(self) -> str:
        if self.budget is None:
            return _("Budget draft")
        return f"{_('Budget draft')} · {self.budget}"

    def get_form(self, data=None, files=None) -> BudgetDraftForm:
        initial = {}
        if self.budget is not None:
            initial = {"year": self.budget.year, "fund_type": self.budget.fund_type}
            initial.update({f"line_{line.code}": line.amount for line in self.budget.lines.all()})
        return BudgetDraftForm(data, initial=initial, fixed=self.budget is not None)

    def perform(self, form: BudgetDraftForm) -> FundBudget:
        return services.fund_budget_draft(
            municipality=self.request.user.municipality,
            year=form.cleaned_data["year"],
            fund_type=form.cleaned_data["fund_type"],
            lines=form.lines(),
            actor=self.request.user,
        )

    def get_success_url(self, result: FundBudget) -> str:
        return reverse("funds:budget_detail", args=[result.pk])

    def get_cancel_url(self) -> str:
        if self.budget is not None:
            return reverse("funds:budget_detail", args=[self.budget.pk])
        return super().get_cancel_url()


class BudgetDetailView(_BudgetPage):
    """A budget's lines and totals, its county quotas and the buttons the user may use; its
    form sets one county's quota while the budget is a draft (errors next to the fields)."""

    write_capability = "funds.prepare_budget"
    template_name = "funds/budgets/budget_detail.html"
    success_message = gettext_lazy("The quota was set.")
    submit_label = gettext_lazy("Set the quota")

    def get_form(self, data=None, files=None) -> QuotaForm:
        return QuotaForm(data, municipality=self.budget.municipality)

    def get_context_data(self, **context):
        summary = selectors.budget_summary(budget=self.budget, user=self.request.user)
        return super().get_context_data(budget=self.budget, summary=summary, **context)

    def perform(self, form: QuotaForm):
        return services.expenditure_quota_set(
            budget=self.budget,
            county=form.cleaned_data["county"],
            amount=form.cleaned_data["amount"],
            actor=self.request.user,
        )


class _BudgetStepView(_BudgetPage):
    """A step of the budget's workflow (``action``), open to whoever holds its capability."""

    action = ""

    @property
    def write_capability(self) -> str:
        return BUDGET_WORKFLOW[self.action].capability

    @property
    def submit_label(self):
        return BUDGET_WORKFLOW[self.action].label


class BudgetSubmitView(_BudgetStepView):
    action = "submit"
    success_message = gettext_lazy("The budget was submitted to the bureau.")

    def perform(self, form):
        return services.fund_budget_submit(budget=self.budget, actor=self.request.user)


class BudgetApproveView(_BudgetStepView):
    action = "approve"
    success_message = gettext_lazy("The budget was approved.")

    def perform(self, form):
        return services.fund_budget_approve(budget=self.budget, actor=self.request.user)


class QuotaCarryForwardView(_BudgetPage):
    """At year close: carry each county's unused quota into next year's."""

    write_capability = "funds.prepare_budget"
    submit_label = gettext_lazy("Carry unused quotas forward")

    def perform(self, form):
        budget = self.budget
        if budget.status != FundBudget.Status.APPROVED:
            raise ValidationError(_("Only the quotas of an approved budget are carried forward."))
        carried = services.quota_carry_forward(
            municipality=budget.municipality,
            year=budget.year,
            fund_type=budget.fund_type,
            actor=self.request.user,
        )
        self.success_message = _("%(count)s quotas of %(year)s carried into %(next)s.") % {
            "count": len(carried),
            "year": budget.year,
            "next": budget.year + 1,
        }
        return carried


class QuotaListView(CapabilityRequiredMixin, ListView):
    """Every county's quota per fund and year (a county officer: their own)."""

    capability = "funds.view_budgets"
    template_name = "funds/budgets/quota_list.html"
    paginate_by = 100

    def get_queryset(self):
        return selectors.quotas_for(user=self.request.user)
