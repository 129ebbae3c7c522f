"""Pages of the plans (N 三(四)4): the county's annual and usage plan forms and lists, the
month's dashboard and the city's consolidation page, the city plan, and one page per workflow
step of each plan (its button on the plan's page posts there)."""

from django.contrib import messages
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import DetailView, ListView, TemplateView

from funds.budgets.selectors import quotas_for
from pooling.core.forms import ReturnForm
from pooling.core.money import month_start, next_month
from pooling.core.views import CapabilityRequiredMixin, ServiceFormView, TransitionView
from settlement.plans import selectors, services
from settlement.plans.forms import AnnualPlanForm, ConsolidationForm, UsagePlanForm
from settlement.plans.models import (
    ANNUAL_PLAN_WORKFLOW,
    CITY_PLAN_WORKFLOW,
    USAGE_PLAN_WORKFLOW,
    AnnualPlan,
    CityMonthlyPlan,
    UsagePlan,
)
from settlement.plans.selectors import MonthOverview

# ---------------------------------------------------------------------------------------------
# Usage plans
# ---------------------------------------------------------------------------------------------


class UsagePlanListView(CapabilityRequiredMixin, ListView):
    capability = "settlement.view_plans"
    template_name = "settlement/plans/usage_plan_list.html"
    paginate_by = 50

    def get_queryset(self):
        return selectors.usage_plans_for(user=self.request.user)


class UsagePlanCreateView(ServiceFormView):
    """The county's plan form; totals and the remaining annual plan update as they type."""

    capability = write_capability = "settlement.submit_plans"
    template_name = "settlement/plans/usage_plan_form.html"
    heading = gettext_lazy("New usage plan")
    cancel_url_name = "settlement:usage_plan_list"

    def get_form(self, data=None, files=None) -> UsagePlanForm:
        initial = {"month": f"{next_month(month_start(timezone.localdate())):%Y-%m}"}
        return UsagePlanForm(data, initial=initial)

    def get_context_data(self, **context):
        month = getattr(context["form"], "cleaned_data", {}).get("month")
        year = (month or next_month(month_start(timezone.localdate()))).year
        remaining = selectors.remaining_by_fund(county=self.request.user.county, year=year)
        return super().get_context_data(
            remaining={str(fund_id): str(amount) for fund_id, amount in remaining.items()},
            year=year,
            **context,
        )

    def perform(self, form: UsagePlanForm) -> UsagePlan:
        plan = services.usage_plan_submit(
            county=self.request.user.county,
            month=form.cleaned_data["month"],
            lines=form.plan_lines(),
            note=form.cleaned_data["note"],
            actor=self.request.user,
        )
        if plan.is_late:
            messages.warning(self.request, _("The plan was submitted after the deadline."))
        else:
            self.success_message = _("The plan was submitted.")
        return plan

    def get_success_url(self, result: UsagePlan) -> str:
        return reverse("settlement:usage_plan_detail", args=[result.pk])


class UsagePlanDetailView(CapabilityRequiredMixin, DetailView):
    capability = "settlement.view_plans"
    template_name = "settlement/plans/usage_plan_detail.html"
    context_object_name = "plan"

    def get_queryset(self):
        return selectors.usage_plans_for(user=self.request.user)

    def get_context_data(self, **kwargs):
        return super().get_context_data(return_form=ReturnForm(), **kwargs)


# ---------------------------------------------------------------------------------------------
# The month: dashboard, consolidation and the city plan
# ---------------------------------------------------------------------------------------------


class _MonthPage:
    """A page about one month of the plans: ``?month=`` (``YYYY-MM``), else next month."""

    @cached_property
    def overview(self) -> MonthOverview:
        today = timezone.localdate()
        return selectors.month_overview(
            municipality=self.request.user.municipality,
            month=selectors.plan_month_from(self.request.GET.get("month"), today=today),
            today=today,
        )


class PlanDashboardView(CapabilityRequiredMixin, _MonthPage, TemplateView):
    """Every county's plan of the month side by side, with the city plan's steps."""

    capability = "settlement.view_city_plans"
    template_name = "settlement/plans/dashboard.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(overview=self.overview, **kwargs)


class ConsolidationView(_MonthPage, ServiceFormView):
    """The dashboard with the agency's button that consolidates the month's plans."""

    capability = "settlement.view_city_plans"
    write_capability = USAGE_PLAN_WORKFLOW["consolidate"].capability
    template_name = "settlement/plans/dashboard.html"
    success_message = gettext_lazy("The city plan was consolidated.")

    def get_form(self, data=None, files=None) -> ConsolidationForm:
        return ConsolidationForm(data, initial={"month": f"{self.overview.month:%Y-%m}"})

    def get_context_data(self, **context):
        return super().get_context_data(overview=self.overview, consolidation=True, **context)

    def perform(self, form: ConsolidationForm) -> CityMonthlyPlan:
        return services.city_plan_consolidate(
            municipality=self.request.user.municipality,
            month=form.cleaned_data["month"],
            actor=self.request.user,
        )

    def get_success_url(self, result: CityMonthlyPlan) -> str:
        return reverse("settlement:city_plan_detail", args=[result.pk])


class CityPlanDetailView(CapabilityRequiredMixin, DetailView):
    capability = "settlement.view_city_plans"
    template_name = "settlement/plans/city_plan_detail.html"
    context_object_name = "city_plan"

    def get_queryset(self):
        return selectors.city_plans_for(user=self.request.user)

    def get_context_data(self, **kwargs):
        overview = selectors.month_overview(
            municipality=self.object.municipality,
            month=self.object.month,
            today=timezone.localdate(),
        )
        return super().get_context_data(overview=overview, **kwargs)


# ---------------------------------------------------------------------------------------------
# Annual expenditure plans: the county submits within its quota, the agency reviews or
# returns, the bureau approves.
# ---------------------------------------------------------------------------------------------


class AnnualPlanListView(CapabilityRequiredMixin, ListView):
    capability = "settlement.view_plans"
    template_name = "settlement/plans/annual_plan_list.html"
    paginate_by = 50

    def get_queryset(self):
        return selectors.annual_plans_for(user=self.request.user)


class AnnualPlanCreateView(ServiceFormView):
    """The county's annual plan form (or the resubmission of a returned plan), with the
    county's quotas shown beside it."""

    capability = write_capability = "settlement.submit_plans"
    template_name = "settlement/plans/annual_plan_form.html"
    heading = gettext_lazy("Annual expenditure plan")
    success_message = gettext_lazy("The annual plan was submitted.")
    cancel_url_name = "settlement:annual_plan_list"

    def get_form(self, data=None, files=None) -> AnnualPlanForm:
        return AnnualPlanForm(data, initial={"year": timezone.localdate().year})

    def get_context_data(self, **context):
        user = self.request.user
        quotas = quotas_for(user=user).filter(county=user.county)
        return super().get_context_data(quotas=quotas, **context)

    def perform(self, form: AnnualPlanForm) -> AnnualPlan:
        return services.annual_plan_submit(
            county=self.request.user.county,
            year=form.cleaned_data["year"],
            lines=form.plan_lines(),
            actor=self.request.user,
        )

    def get_success_url(self, result: AnnualPlan) -> str:
        return reverse("settlement:annual_plan_detail", args=[result.pk])


class AnnualPlanDetailView(CapabilityRequiredMixin, DetailView):
    capability = "settlement.view_plans"
    template_name = "settlement/plans/annual_plan_detail.html"
    context_object_name = "plan"

    def get_queryset(self):
        return selectors.annual_plans_for(user=self.request.user)

    def get_context_data(self, **kwargs):
        total = sum(line.amount for line in self.object.lines.all())
        return super().get_context_data(total=total, return_form=ReturnForm(), **kwargs)


# ---------------------------------------------------------------------------------------------
# The workflow steps: one page each, whose capability is the transition's
# ---------------------------------------------------------------------------------------------


class _PlanStepView(TransitionView):
    """One step of a plan's workflow; the buttons on the plan's page post here. Subclasses
    name the plans the user may see (``get_queryset``) and the plan's page."""

    success_message = gettext_lazy("Done.")


class _ReturnStepView(_PlanStepView):
    """The return of a plan to its county, with the reason."""

    success_message = gettext_lazy("The plan was returned to the county.")
    form_class = ReturnForm


class _AnnualPlanStepView(_PlanStepView):
    capability = "settlement.view_plans"
    detail_url_name = "settlement:annual_plan_detail"

    def get_queryset(self):
        return selectors.annual_plans_for(user=self.request.user)


class AnnualPlanReviewView(_AnnualPlanStepView):
    transition = ANNUAL_PLAN_WORKFLOW["review"]

    def perform(self, form) -> AnnualPlan:
        return services.annual_plan_review(plan=self.object, actor=self.request.user)


class AnnualPlanApproveView(_AnnualPlanStepView):
    transition = ANNUAL_PLAN_WORKFLOW["approve"]

    def perform(self, form) -> AnnualPlan:
        return services.annual_plan_approve(plan=self.object, actor=self.request.user)


class AnnualPlanReturnView(_ReturnStepView, _AnnualPlanStepView):
    transition = ANNUAL_PLAN_WORKFLOW["return"]

    def perform(self, form: ReturnForm) -> AnnualPlan:
        return services.annual_plan_return(
            plan=self.object, actor=self.request.user, reason=form.cleaned_data["reason"]
        )


class UsagePlanReturnView(_ReturnStepView):
    capability = "settlement.view_plans"
    detail_url_name = "settlement:usage_plan_detail"
    transition = USAGE_PLAN_WORKFLOW["return"]

    def get_queryset(self):
        return selectors.usage_plans_for(user=self.request.user)

    def perform(self, form: ReturnForm) -> UsagePlan:
        return services.usage_plan_return(
            plan=self.object, actor=self.request.user, reason=form.cleaned_data["reason"]
        )


class _CityPlanStepView(_PlanStepView):
    capability = "settlement.view_city_plans"
    detail_url_name = "settlement:city_plan_detail"

    def get_queryset(self):
        return selectors.city_plans_for(user=self.request.user)


class CityPlanApproveView(_CityPlanStepView):
    transition = CITY_PLAN_WORKFLOW["approve"]

    def perform(self, form) -> CityMonthlyPlan:
        return services.city_plan_approve(city_plan=self.object, actor=self.request.user)


class CityPlanRequestView(_CityPlanStepView):
    transition = CITY_PLAN_WORKFLOW["request"]

    def perform(self, form) -> CityMonthlyPlan:
        return services.city_plan_request_funding(city_plan=self.object, actor=self.request.user)


class CityPlanDisburseView(_CityPlanStepView):
    transition = CITY_PLAN_WORKFLOW["disburse"]

    def perform(self, form) -> CityMonthlyPlan:
        return services.disbursement_confirm(city_plan=self.object, actor=self.request.user)


class CityPlanAllocateView(_CityPlanStepView):
    transition = CITY_PLAN_WORKFLOW["allocate"]

    def perform(self, form) -> CityMonthlyPlan:
        return services.allocation_run(city_plan=self.object, actor=self.request.user)
