"""Pages of the monthly cycle: start with confirmation, watch progress, re-run a failed step,
county remittances, the month-end schedule."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView
from django_filters.views import FilterView

from pooling.core.access import has_capability
from pooling.core.views import CapabilityRequiredMixin, add_service_errors
from settlement.cycle import selectors, services, tasks
from settlement.cycle.filters import CycleFilter, RemittanceLineFilter
from settlement.cycle.forms import CycleStartForm, ScheduleForm
from settlement.cycle.models import CycleStep


class CycleListView(CapabilityRequiredMixin, FilterView):
    capability = "settlement.view_cycles"
    filterset_class = CycleFilter
    template_name = "settlement/cycle/cycle_list.html"
    paginate_by = 50

    def get_queryset(self):
        return selectors.cycles_for(user=self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["start_form"] = CycleStartForm()
        return context


class CycleStartView(CapabilityRequiredMixin, View):
    """GET asks for confirmation; POST with ``confirm`` starts the cycle."""

    capability = write_capability = "settlement.run_cycle"

    def get(self, request):
        if "month" not in request.GET:
            return render(request, "settlement/cycle/cycle_start.html", {"form": CycleStartForm()})
        form = CycleStartForm(request.GET)
        if not form.is_valid():
            return render(request, "settlement/cycle/cycle_start.html", {"form": form}, status=400)
        return render(
            request, "settlement/cycle/cycle_start.html", {"form": form, "confirming": True}
        )

    def post(self, request):
        form = CycleStartForm(request.POST)
        if not form.is_valid() or not form.cleaned_data["confirm"]:
            return render(request, "settlement/cycle/cycle_start.html", {"form": form}, status=400)
        try:
            cycle, created = services.cycle_start(
                municipality=request.user.municipality,
                month=form.cleaned_data["month"],
                actor=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return render(request, "settlement/cycle/cycle_start.html", {"form": form}, status=400)
        if created:
            transaction.on_commit(lambda: tasks.cycle_enqueue(cycle.pk, request.user.pk))
            messages.success(request, _("The cycle has started."))
        else:
            messages.info(request, _("This month's cycle already exists; here it is."))
        return HttpResponseRedirect(reverse("settlement:cycle_detail", args=[cycle.pk]))


class CycleDetailView(CapabilityRequiredMixin, DetailView):
    capability = "settlement.view_cycles"
    template_name = "settlement/cycle/cycle_detail.html"
    context_object_name = "cycle"

    def get_queryset(self):
        return selectors.cycles_for(user=self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["progress"] = selectors.cycle_progress(cycle=self.object)
        context["steps"] = self.object.steps.order_by("position")
        context["lines"] = selectors.remittance_lines_for(user=self.request.user).filter(
            cycle=self.object
        )
        context["may_run"] = has_capability(self.request.user, "settlement.run_cycle")
        return context


class CycleProgressView(CapabilityRequiredMixin, View):
    """JSON polled by the progress bar."""

    capability = "settlement.view_cycles"

    def get(self, request, pk: int):
        cycle = get_object_or_404(selectors.cycles_for(user=request.user), pk=pk)
        return JsonResponse(selectors.cycle_progress(cycle=cycle))


class CycleStepRerunView(CapabilityRequiredMixin, View):
    capability = write_capability = "settlement.run_cycle"

    def post(self, request, pk: int):
        step = get_object_or_404(
            CycleStep.objects.filter(cycle__in=selectors.cycles_for(user=request.user)), pk=pk
        )
        try:
            services.cycle_step_reset(step=step, actor=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            cycle_id, name = step.cycle_id, step.name
            transaction.on_commit(lambda: tasks.cycle_enqueue(cycle_id, request.user.pk, name))
            messages.success(request, _("The step is running again."))
        return HttpResponseRedirect(reverse("settlement:cycle_detail", args=[step.cycle_id]))


class RemittanceListView(CapabilityRequiredMixin, FilterView):
    """A county officer's view of their county's remittances; the city sees every county."""

    capability = "settlement.view_remittances"
    filterset_class = RemittanceLineFilter
    template_name = "settlement/cycle/remittance_list.html"
    paginate_by = 100

    def get_queryset(self):
        return selectors.remittance_lines_for(user=self.request.user)


class ScheduleView(CapabilityRequiredMixin, View):
    capability = write_capability = "settlement.change_schedule"

    def get(self, request):
        task = services.month_end_schedule()
        form = ScheduleForm(
            initial={
                "minute": task.crontab.minute,
                "hour": task.crontab.hour,
                "day_of_month": task.crontab.day_of_month,
                "enabled": task.enabled,
            }
        )
        return render(request, "settlement/cycle/schedule.html", {"form": form, "task": task})

    def post(self, request):
        form = ScheduleForm(request.POST)
        if form.is_valid():
            services.month_end_schedule_update(actor=request.user, **form.cleaned_data)
            messages.success(request, _("The schedule was saved."))
            return HttpResponseRedirect(reverse("settlement:schedule"))
        task = services.month_end_schedule()
        return render(
            request, "settlement/cycle/schedule.html", {"form": form, "task": task}, status=400
        )
