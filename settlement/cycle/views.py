"""Pages of the monthly cycle: start with confirmation, watch progress, re-run a failed step,
county remittances, the month-end schedule."""

from django import forms
from django.contrib import messages
from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import DetailView
from django_filters.views import FilterView

from pooling.core.views import CapabilityRequiredMixin, ServiceFormView, TransitionView
from settlement.cycle import selectors, services
from settlement.cycle.filters import CycleFilter, RemittanceLineFilter
from settlement.cycle.forms import CycleStartForm, ScheduleForm
from settlement.cycle.models import CYCLE_STEP_WORKFLOW, CycleStep, MonthlyCycle


class CycleListView(CapabilityRequiredMixin, FilterView):
    capability = "settlement.view_cycles"
    filterset_class = CycleFilter
    template_name = "settlement/cycle/cycle_list.html"
    paginate_by = 50

    def get_queryset(self):
        return selectors.cycles_for(user=self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["start_form"] = CycleStartForm(asking=True)
        return context


class CycleStartView(ServiceFormView):
    """Start a month's cycle in two steps: ``?month=`` asks for the confirmation, which posts
    the month back; ``cycle_start`` then creates the cycle and queues its run."""

    capability = write_capability = "settlement.run_cycle"
    template_name = "settlement/cycle/cycle_start.html"
    heading = gettext_lazy("Start a month's cycle")
    cancel_url_name = "settlement:cycle_list"

    confirming = None  # the month whose confirmation the page asks for

    def get(self, request, *args, **kwargs):
        if "month" not in request.GET:
            return self.render_form(CycleStartForm(asking=True))
        form = CycleStartForm(request.GET, asking=True)
        if not form.is_valid():
            return self.render_form(form, status=400)
        self.confirming = form.cleaned_data["month"]
        return self.render_form(CycleStartForm.confirmation(self.confirming))

    def get_form(self, data=None, files=None) -> CycleStartForm:
        return CycleStartForm(data)

    def perform(self, form: CycleStartForm) -> MonthlyCycle:
        cycle, created = services.cycle_start(
            municipality=self.request.user.municipality,
            month=form.cleaned_data["month"],
            actor=self.request.user,
        )
        if created:
            self.success_message = _("The cycle has started.")
        else:
            messages.info(self.request, _("This month's cycle already exists; here it is."))
        return cycle

    def get_success_url(self, result: MonthlyCycle) -> str:
        return reverse("settlement:cycle_detail", args=[result.pk])


class CycleDetailView(CapabilityRequiredMixin, DetailView):
    capability = "settlement.view_cycles"
    template_name = "settlement/cycle/cycle_detail.html"
    context_object_name = "cycle"

    def get_queryset(self):
        return selectors.cycles_for(user=self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["progress"] = selectors.cycle_progress(cycle=self.object)
        steps = list(self.object.steps.order_by("position"))
        parts = selectors.cycle_parts_by_step(cycle=self.object)
        for step in steps:
            step.county_parts = parts.get(step.pk, [])
            step.parts_done = sum(1 for part in step.county_parts if part.status == "done")
        context["steps"] = steps
        context["lines"] = selectors.remittance_lines_for(user=self.request.user).filter(
            cycle=self.object
        )
        return context


class CycleProgressView(CapabilityRequiredMixin, View):
    """JSON polled by the progress bar."""

    capability = "settlement.view_cycles"

    def get(self, request, pk: int):
        cycle = get_object_or_404(selectors.cycles_for(user=request.user), pk=pk)
        return JsonResponse(selectors.cycle_progress(cycle=cycle))


class CycleStepRerunView(TransitionView):
    """Run a failed step again, then the steps after it (``cycle_step_rerun`` queues them).
    The cycle page's button posts here; a refusal shows above the button."""

    capability = "settlement.view_cycles"
    transition = CYCLE_STEP_WORKFLOW["rerun"]
    detail_url_name = "settlement:cycle_detail"
    success_message = gettext_lazy("The step is running again.")

    def get_queryset(self):
        steps = CycleStep.objects.filter(cycle__in=selectors.cycles_for(user=self.request.user))
        return steps.select_related("cycle")

    def detail_pk(self) -> int:
        return self.object.cycle_id

    def perform(self, form: forms.Form) -> CycleStep:
        return services.cycle_step_rerun(step=self.object, actor=self.request.user)


class RemittanceListView(CapabilityRequiredMixin, FilterView):
    """A county officer's view of their county's remittances; the city sees every county."""

    capability = "settlement.view_remittances"
    filterset_class = RemittanceLineFilter
    template_name = "settlement/cycle/remittance_list.html"
    paginate_by = 100

    def get_queryset(self):
        return selectors.remittance_lines_for(user=self.request.user)


class ScheduleView(ServiceFormView):
    """When Celery beat starts the month-end cycles."""

    capability = write_capability = "settlement.change_schedule"
    template_name = "settlement/cycle/schedule.html"
    heading = gettext_lazy("Month-end schedule")
    success_message = gettext_lazy("The schedule was saved.")
    cancel_url_name = "settlement:cycle_list"

    @cached_property
    def task(self):
        return services.month_end_schedule()

    def get_form(self, data=None, files=None) -> ScheduleForm:
        initial = {
            "minute": self.task.crontab.minute,
            "hour": self.task.crontab.hour,
            "day_of_month": self.task.crontab.day_of_month,
            "enabled": self.task.enabled,
        }
        return ScheduleForm(data, initial=initial)

    def get_context_data(self, **context):
        return super().get_context_data(task=self.task, **context)

    def perform(self, form: ScheduleForm):
        return services.month_end_schedule_update(actor=self.request.user, **form.cleaned_data)

    def get_success_url(self, result) -> str:
        return reverse("settlement:schedule")
