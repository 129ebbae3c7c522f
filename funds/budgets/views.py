"""Pages of annual fund budgets and county expenditure quotas (issue 6 item 1): the agency
drafts a budget with the standard lines, splits it into county quotas and submits it; the
bureau approves it (never the person who submitted it); at year close the agency carries the
unused quotas forward when the rule in force says so."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import ListView

from funds.budgets import selectors, services
from funds.budgets.forms import BudgetDraftForm, QuotaForm
from funds.budgets.models import INCOME_LINES, FundBudget
from pooling.core.access import has_capability
from pooling.core.views import CapabilityRequiredMixin, add_service_errors


class BudgetListView(CapabilityRequiredMixin, ListView):
    capability = "funds.view_budgets"
    template_name = "funds/budgets/budget_list.html"
    paginate_by = 50

    def get_queryset(self):
        return selectors.budgets_for(user=self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["may_prepare"] = has_capability(self.request.user, "funds.prepare_budget")
        return context


class BudgetDraftView(CapabilityRequiredMixin, View):
    """A new budget, or (with ``pk``) new lines for a budget still in draft."""

    capability = write_capability = "funds.prepare_budget"
    template_name = "funds/budgets/budget_form.html"

    def _budget(self, request, pk):
        if pk is None:
            return None
        return get_object_or_404(selectors.budgets_for(user=request.user), pk=pk)

    def _render(self, request, form, budget, status=200):
        context = {"form": form, "budget": budget}
        return render(request, self.template_name, context, status=status)

    def get(self, request, pk=None):
        budget = self._budget(request, pk)
        initial = {}
        if budget is not None:
            initial = {"year": budget.year, "fund_type": budget.fund_type}
            initial.update({f"line_{line.code}": line.amount for line in budget.lines.all()})
        form = BudgetDraftForm(initial=initial, fixed=budget is not None)
        return self._render(request, form, budget)

    def post(self, request, pk=None):
        budget = self._budget(request, pk)
        initial = {"year": budget.year, "fund_type": budget.fund_type} if budget else None
        form = BudgetDraftForm(request.POST, initial=initial, fixed=budget is not None)
        if not form.is_valid():
            return self._render(request, form, budget, status=400)
        try:
            budget = services.fund_budget_draft(
                municipality=request.user.municipality,
                year=form.cleaned_data["year"],
                fund_type=form.cleaned_data["fund_type"],
                lines=form.lines(),
                actor=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return self._render(request, form, budget, status=400)
        messages.success(request, _("The budget draft was saved."))
        return HttpResponseRedirect(reverse("funds:budget_detail", args=[budget.pk]))


class BudgetDetailView(CapabilityRequiredMixin, View):
    """A budget's lines and totals, its county quotas and the actions the user may take."""

    capability = "funds.view_budgets"
    template_name = "funds/budgets/budget_detail.html"

    def get(self, request, pk, quota_form=None, status=200):
        budget = get_object_or_404(selectors.budgets_for(user=request.user), pk=pk)
        user = request.user
        lines = list(budget.lines.all())
        income = [line for line in lines if line.code in INCOME_LINES]
        expenditure = [line for line in lines if line.code not in INCOME_LINES]
        quotas = selectors.quotas_for(user=user).filter(
            municipality=budget.municipality, year=budget.year, fund_type=budget.fund_type
        )
        may_prepare = has_capability(user, "funds.prepare_budget")
        draft = budget.status == FundBudget.Status.DRAFT
        context = {
            "budget": budget,
            "income": income,
            "expenditure": expenditure,
            "income_total": sum(line.amount for line in income),
            "expenditure_total": selectors.budget_expenditure_total(budget=budget),
            "quotas": quotas,
            "quota_total": sum(quota.amount for quota in quotas),
            "may_edit": may_prepare and draft,
            "may_submit": may_prepare and draft,
            "may_approve": has_capability(user, "funds.approve_budget")
            and budget.status == FundBudget.Status.SUBMITTED
            and budget.submitted_by_id != user.pk,
            "may_carry_forward": may_prepare and budget.status == FundBudget.Status.APPROVED,
            "quota_form": quota_form
            or (QuotaForm(municipality=budget.municipality) if may_prepare and draft else None),
        }
        return render(request, self.template_name, context, status=status)


class _BudgetAction(CapabilityRequiredMixin, View):
    capability = "funds.view_budgets"

    def post(self, request, pk: int):
        budget = get_object_or_404(selectors.budgets_for(user=request.user), pk=pk)
        try:
            self.act(request, budget)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        return HttpResponseRedirect(reverse("funds:budget_detail", args=[pk]))

    def act(self, request, budget: FundBudget) -> None:
        raise NotImplementedError


class BudgetSubmitView(_BudgetAction):
    write_capability = "funds.prepare_budget"

    def act(self, request, budget):
        services.fund_budget_submit(budget=budget, actor=request.user)
        messages.success(request, _("The budget was submitted to the bureau."))


class BudgetApproveView(_BudgetAction):
    write_capability = "funds.approve_budget"

    def act(self, request, budget):
        services.fund_budget_approve(budget=budget, actor=request.user)
        messages.success(request, _("The budget was approved."))


class QuotaCarryForwardView(_BudgetAction):
    """At year close: carry each county's unused quota into next year's."""

    write_capability = "funds.prepare_budget"

    def act(self, request, budget):
        if budget.status != FundBudget.Status.APPROVED:
            raise ValidationError(_("Only the quotas of an approved budget are carried forward."))
        carried = services.quota_carry_forward(
            municipality=budget.municipality,
            year=budget.year,
            fund_type=budget.fund_type,
            actor=request.user,
        )
        messages.success(
            request,
            _("%(count)s quotas of %(year)s carried into %(next)s.")
            % {"count": len(carried), "year": budget.year, "next": budget.year + 1},
        )


class QuotaSetView(BudgetDetailView):
    """Set one county's quota from a budget in draft; errors show next to the fields."""

    write_capability = "funds.prepare_budget"

    def post(self, request, pk: int):
        budget = get_object_or_404(selectors.budgets_for(user=request.user), pk=pk)
        form = QuotaForm(request.POST, municipality=budget.municipality)
        if form.is_valid():
            try:
                services.expenditure_quota_set(
                    budget=budget,
                    county=form.cleaned_data["county"],
                    amount=form.cleaned_data["amount"],
                    actor=request.user,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("The quota was set."))
                return HttpResponseRedirect(reverse("funds:budget_detail", args=[pk]))
        return self.get(request, pk, quota_form=form, status=400)


class QuotaListView(CapabilityRequiredMixin, ListView):
    """Every county's quota per fund and year (a county officer: their own)."""

    capability = "funds.view_budgets"
    template_name = "funds/budgets/quota_list.html"
    paginate_by = 100

    def get_queryset(self):
        return selectors.quotas_for(user=self.request.user)
