"""Pages of the working-day calendar: the overrides with the form to add or change one, the
working-day calculator, and removing an override."""

from django import forms
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic.list import MultipleObjectMixin
from django_filters.views import FilterMixin

from pooling.core.views import ServiceFormView
from pooling.workdays import services
from pooling.workdays.filters import CalendarOverrideFilter
from pooling.workdays.forms import CalendarOverrideForm, WorkingDaysForm
from pooling.workdays.models import CalendarOverride


class CalendarView(ServiceFormView, FilterMixin, MultipleObjectMixin):
    """The overrides (filtered, a page at a time), the form that adds or changes one, and a
    working-day calculator (a GET form)."""

    capability = "pooling.view_calendar"
    write_capability = "pooling.change_calendar"
    template_name = "pooling/workdays/calendar.html"
    success_message = _("The calendar was updated.")
    filterset_class = CalendarOverrideFilter
    paginate_by = 100

    def get_queryset(self):
        return CalendarOverride.objects.all()

    def get_form(self, data=None, files=None):
        return CalendarOverrideForm(data)

    def perform(self, form):
        return services.calendar_override_set(actor=self.request.user, **form.cleaned_data)

    def get_success_url(self, result) -> str:
        return reverse("pooling:calendar")

    def get_context_data(self, **context):
        # The list part of django-filter's FilterView: an invalid filter shows no rows.
        self.filterset = self.get_filterset(self.get_filterset_class())
        if self.filterset.is_bound and not self.filterset.is_valid() and self.get_strict():
            overrides = self.filterset.queryset.none()
        else:
            overrides = self.filterset.qs
        calculator = WorkingDaysForm(self.request.GET if "days" in self.request.GET else None)
        calculated = calculator.cleaned_data["result"] if calculator.is_valid() else None
        return super().get_context_data(
            filter=self.filterset,
            object_list=overrides,
            calculator=calculator,
            calculated=calculated,
            **context,
        )


class CalendarOverrideDeleteView(ServiceFormView):
    """The "Remove" button of an override: a POST without fields."""

    capability = "pooling.view_calendar"
    write_capability = "pooling.change_calendar"
    http_method_names = ["post"]
    success_message = _("The override was removed.")

    def get_form(self, data=None, files=None):
        return forms.Form(data)

    def perform(self, form):
        override = get_object_or_404(CalendarOverride, pk=self.kwargs["pk"])
        services.calendar_override_delete(override=override, actor=self.request.user)

    def get_success_url(self, result) -> str:
        return reverse("pooling:calendar")
