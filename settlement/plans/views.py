"""Pages of the usage-plan cycle: the county's plan form and history, the city's
consolidation page, the city plan with its approval, funding request, disbursement and
allocation actions, the month's dashboard and the notifications (issue 6 item 6)."""

import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import DetailView, ListView

from funds.budgets.selectors import quotas_for
from pooling.core.access import has_capability
from pooling.core.money import month_start, next_month, parse_month
from pooling.core.views import CapabilityRequiredMixin, add_service_errors
from settlement.plans import selectors, services
from settlement.plans.forms import (
    AnnualPlanForm,
    AnnualPlanLineFormSet,
    ReturnForm,
    UsagePlanForm,
    UsagePlanLineFormSet,
)
from settlement.plans.models import AnnualPlan


def _month_from(request, default: datetime.date) -> datetime.date:
    try:
        return parse_month(request.GET["month"]) if request.GET.get("month") else default
    except ValidationError:
        return default


class UsagePlanListView(CapabilityRequiredMixin, ListView):
    capability = "settlement.view_plans"
    template_name = "settlement/plans/usage_plan_list.html"
    paginate_by = 50

    def get_queryset(self):
        return selectors.usage_plans_for(user=self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["may_submit"] = has_capability(self.request.user, "settlement.submit_plans")
        return context


class UsagePlanCreateView(CapabilityRequiredMixin, View):
    """The county's plan form; totals and the remaining annual plan update as they type."""

    capability = write_capability = "settlement.submit_plans"
    template_name = "settlement/plans/usage_plan_form.html"

    def _render(self, request, form, formset, status=200):
        county = request.user.county
        month = form.cleaned_data.get("month") if form.is_bound and form.is_valid() else None
        year = (month or next_month(month_start(timezone.localdate()))).year
        remaining = services.remaining_by_fund(county=county, year=year)
        context = {
            "form": form,
            "formset": formset,
            "remaining": {str(fund_id): str(amount) for fund_id, amount in remaining.items()},
            "year": year,
        }
        return render(request, self.template_name, context, status=status)

    def get(self, request):
        initial = {"month": f"{next_month(month_start(timezone.localdate())):%Y-%m}"}
        return self._render(request, UsagePlanForm(initial=initial), UsagePlanLineFormSet())

    def post(self, request):
        form = UsagePlanForm(request.POST)
        formset = UsagePlanLineFormSet(request.POST)
        if not (form.is_valid() and formset.is_valid()):
            return self._render(request, form, formset, status=400)
        lines = [line for line in (line_form.as_line() for line_form in formset) if line]
        try:
            plan = services.usage_plan_submit(
                county=request.user.county,
                month=form.cleaned_data["month"],
                lines=lines,
                note=form.cleaned_data["note"],
                actor=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return self._render(request, form, formset, status=400)
        if plan.is_late:
            messages.warning(request, _("The plan was submitted after the deadline."))
        else:
            messages.success(request, _("The plan was submitted."))
        return HttpResponseRedirect(reverse("settlement:usage_plan_detail", args=[plan.pk]))


class UsagePlanDetailView(CapabilityRequiredMixin, DetailView):
    capability = "settlement.view_plans"
    template_name = "settlement/plans/usage_plan_detail.html"
    context_object_name = "plan"

    def get_queryset(self):
        return selectors.usage_plans_for(user=self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["may_return"] = has_capability(self.request.user, "settlement.review_plans")
        context["return_form"] = kwargs.get("return_form") or ReturnForm()
        return context


class UsagePlanReturnView(CapabilityRequiredMixin, View):
    capability = write_capability = "settlement.review_plans"

    def post(self, request, pk: int):
        plan = get_object_or_404(selectors.usage_plans_for(user=request.user), pk=pk)
        form = ReturnForm(request.POST)
        try:
            if not form.is_valid():
                raise ValidationError(form.errors.get("reason", []))
            services.usage_plan_return(
                plan=plan, actor=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The plan was returned to the county."))
        return HttpResponseRedirect(reverse("settlement:usage_plan_detail", args=[pk]))


class MonthOverviewView(CapabilityRequiredMixin, View):
    """The month's cycle for every county: the dashboard, and (for the agency) the
    consolidation page with its button."""

    capability = "settlement.view_city_plans"
    write_capability = "settlement.review_plans"
    template_name = "settlement/plans/dashboard.html"
    consolidation = False

    def get(self, request, status=200, month=None):
        today = timezone.localdate()
        month = month or _month_from(request, next_month(month_start(today)))
        overview = selectors.month_overview(
            municipality=request.user.municipality, month=month, today=today
        )
        context = {
            "overview": overview,
            "consolidation": self.consolidation,
            "may_consolidate": has_capability(request.user, "settlement.review_plans"),
            "previous_month": month_start(month - datetime.timedelta(days=1)),
            "next_month": next_month(month),
        }
        return render(request, self.template_name, context, status=status)

    def post(self, request):
        try:
            month = parse_month(request.POST.get("month", ""))
            city_plan = services.city_plan_consolidate(
                municipality=request.user.municipality, month=month, actor=request.user
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return HttpResponseRedirect(request.get_full_path())
        messages.success(request, _("The city plan was consolidated."))
        return HttpResponseRedirect(reverse("settlement:city_plan_detail", args=[city_plan.pk]))


class CityPlanDetailView(CapabilityRequiredMixin, DetailView):
    capability = "settlement.view_city_plans"
    template_name = "settlement/plans/city_plan_detail.html"
    context_object_name = "city_plan"

    def get_queryset(self):
        return selectors.city_plans_for(user=self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["overview"] = selectors.month_overview(
            municipality=self.object.municipality,
            month=self.object.month,
            today=timezone.localdate(),
        )
        context["actions"] = [
            (name, label)
            for name, label, capability, status in ACTIONS.values()
            if has_capability(user, capability) and self.object.status == status
        ]
        return context


# action → (url name, button label, capability, status it acts on)
ACTIONS = {
    "approve": (
        "city_plan_approve",
        gettext_lazy("Approve the city plan"),
        "settlement.approve_plans",
        "consolidated",
    ),
    "request": (
        "city_plan_request",
        gettext_lazy("Send the funding request to finance"),
        "settlement.approve_plans",
        "approved",
    ),
    "disburse": (
        "city_plan_disburse",
        gettext_lazy("Confirm the disbursement"),
        "settlement.confirm_disbursement",
        "requested",
    ),
    "allocate": (
        "city_plan_allocate",
        gettext_lazy("Allocate to the counties"),
        "settlement.allocate",
        "disbursed",
    ),
}
_SERVICES = {
    "approve": services.city_plan_approve,
    "request": services.city_plan_request_funding,
    "disburse": services.disbursement_confirm,
    "allocate": services.allocation_run,
}


class CityPlanActionView(CapabilityRequiredMixin, View):
    """One step of the city plan; each action has its own URL and capability."""

    capability = "settlement.view_city_plans"
    action = ""

    def dispatch(self, request, *args, **kwargs):
        self.write_capability = ACTIONS[self.action][2]
        return super().dispatch(request, *args, **kwargs)

    def post(self, request, pk: int):
        city_plan = get_object_or_404(selectors.city_plans_for(user=request.user), pk=pk)
        try:
            _SERVICES[self.action](city_plan=city_plan, actor=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Done."))
        return HttpResponseRedirect(reverse("settlement:city_plan_detail", args=[pk]))


# ---------------------------------------------------------------------------------------------
# Annual expenditure plans: the county submits within its quota, the agency reviews or
# returns, the bureau approves (issue 6 item 2).
# ---------------------------------------------------------------------------------------------


class AnnualPlanListView(CapabilityRequiredMixin, ListView):
    capability = "settlement.view_plans"
    template_name = "settlement/plans/annual_plan_list.html"
    paginate_by = 50

    def get_queryset(self):
        return selectors.annual_plans_for(user=self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["may_submit"] = has_capability(self.request.user, "settlement.submit_plans")
        return context


class AnnualPlanCreateView(CapabilityRequiredMixin, View):
    """The county's annual plan form (or the resubmission of a returned plan), with the
    county's quotas shown beside it."""

    capability = write_capability = "settlement.submit_plans"
    template_name = "settlement/plans/annual_plan_form.html"

    def _render(self, request, form, formset, status=200):
        quotas = quotas_for(user=request.user).filter(county=request.user.county)
        context = {"form": form, "formset": formset, "quotas": quotas}
        return render(request, self.template_name, context, status=status)

    def get(self, request):
        form = AnnualPlanForm(initial={"year": timezone.localdate().year})
        return self._render(request, form, AnnualPlanLineFormSet())

    def post(self, request):
        form = AnnualPlanForm(request.POST)
        formset = AnnualPlanLineFormSet(request.POST)
        if not (form.is_valid() and formset.is_valid()):
            return self._render(request, form, formset, status=400)
        lines = [line for line in (line_form.as_line() for line_form in formset) if line]
        try:
            plan = services.annual_plan_submit(
                county=request.user.county,
                year=form.cleaned_data["year"],
                lines=lines,
                actor=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return self._render(request, form, formset, status=400)
        messages.success(request, _("The annual plan was submitted."))
        return HttpResponseRedirect(reverse("settlement:annual_plan_detail", args=[plan.pk]))


class AnnualPlanDetailView(CapabilityRequiredMixin, View):
    capability = "settlement.view_plans"
    template_name = "settlement/plans/annual_plan_detail.html"

    def get(self, request, pk: int, return_form=None, status=200):
        plan = get_object_or_404(selectors.annual_plans_for(user=request.user), pk=pk)
        user = request.user
        submitted = plan.status == AnnualPlan.Status.SUBMITTED
        may_review = has_capability(user, "settlement.review_plans") and submitted
        context = {
            "plan": plan,
            "total": sum(line.amount for line in plan.lines.all()),
            "may_review": may_review,
            "may_approve": has_capability(user, "settlement.approve_plans")
            and plan.status == AnnualPlan.Status.REVIEWED
            and user.pk not in (plan.submitted_by_id, plan.reviewed_by_id),
            "return_form": return_form or (ReturnForm() if may_review else None),
        }
        return render(request, self.template_name, context, status=status)


ANNUAL_PLAN_ACTIONS = {
    "review": ("settlement.review_plans", services.annual_plan_review),
    "approve": ("settlement.approve_plans", services.annual_plan_approve),
}


class AnnualPlanActionView(CapabilityRequiredMixin, View):
    """Review (agency) or approve (bureau) an annual plan."""

    capability = "settlement.view_plans"
    action = ""

    def dispatch(self, request, *args, **kwargs):
        self.write_capability = ANNUAL_PLAN_ACTIONS[self.action][0]
        return super().dispatch(request, *args, **kwargs)

    def post(self, request, pk: int):
        plan = get_object_or_404(selectors.annual_plans_for(user=request.user), pk=pk)
        try:
            ANNUAL_PLAN_ACTIONS[self.action][1](plan=plan, actor=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Done."))
        return HttpResponseRedirect(reverse("settlement:annual_plan_detail", args=[pk]))


class AnnualPlanReturnView(AnnualPlanDetailView):
    """Return a submitted annual plan to the county; the reason's error shows by its field."""

    write_capability = "settlement.review_plans"

    def post(self, request, pk: int):
        plan = get_object_or_404(selectors.annual_plans_for(user=request.user), pk=pk)
        form = ReturnForm(request.POST)
        if form.is_valid():
            try:
                services.annual_plan_return(
                    plan=plan, actor=request.user, reason=form.cleaned_data["reason"]
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("The plan was returned to the county."))
                return HttpResponseRedirect(reverse("settlement:annual_plan_detail", args=[pk]))
        return self.get(request, pk, return_form=form, status=400)
