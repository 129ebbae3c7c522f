"""Pages of the pooling structure. Thin: scope with selectors, write with services."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django_filters.views import FilterView

from pooling.core.views import CapabilityRequiredMixin
from pooling.structure.views import _may
from pooling.workdays import selectors, services
from pooling.workdays.filters import CalendarOverrideFilter
from pooling.workdays.forms import CalendarOverrideForm, WorkingDaysForm
from pooling.workdays.models import CalendarOverride


class CalendarView(CapabilityRequiredMixin, FilterView):
    """Overrides, the form to add one, and a working-day calculator."""

    capability = "pooling.view_calendar"
    write_capability = "pooling.change_calendar"
    filterset_class = CalendarOverrideFilter
    template_name = "pooling/workdays/calendar.html"
    paginate_by = 100

    def get_queryset(self):
        return CalendarOverride.objects.all()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("override_form", CalendarOverrideForm())
        context["may_change"] = _may(self.request, "pooling.change_calendar")
        calculator = WorkingDaysForm(self.request.GET if "days" in self.request.GET else None)
        if calculator.is_bound and calculator.is_valid():
            try:
                context["calculated"] = selectors.add_working_days(
                    calculator.cleaned_data["start"], calculator.cleaned_data["days"]
                )
            except ValidationError as error:
                calculator.add_error("start", error)
        context["calculator"] = calculator
        return context

    def post(self, request, *args, **kwargs):
        form = CalendarOverrideForm(request.POST)
        if form.is_valid():
            services.calendar_override_set(actor=request.user, **form.cleaned_data)
            messages.success(request, _("The calendar was updated."))
            return HttpResponseRedirect(reverse("pooling:calendar"))
        self.object_list = self.get_queryset()
        self.filterset = self.get_filterset(self.get_filterset_class())
        self.object_list = self.filterset.qs
        context = self.get_context_data(override_form=form)
        return self.render_to_response(context, status=400)


class CalendarOverrideDeleteView(CapabilityRequiredMixin, View):
    capability = "pooling.view_calendar"
    write_capability = "pooling.change_calendar"

    def post(self, request, pk: int):
        override = get_object_or_404(CalendarOverride, pk=pk)
        services.calendar_override_delete(override=override, actor=request.user)
        messages.success(request, _("The override was removed."))
        return HttpResponseRedirect(reverse("pooling:calendar"))
