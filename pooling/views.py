"""Pages of the pooling structure. Thin: scope with selectors, write with services."""

import csv

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect, StreamingHttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import DetailView, TemplateView
from django_filters.views import FilterView

from pooling import selectors, services, workdays
from pooling.access import has_capability
from pooling.filters import (
    AccessionEvaluationFilter,
    AuditEventFilter,
    CalendarOverrideFilter,
    CountyFilter,
    CountyPoolingModelFilter,
    PolicyRuleFilter,
)
from pooling.forms import (
    AccessionEvaluationForm,
    CalendarOverrideForm,
    PolicyRuleForm,
    PoolingModelForm,
    ThrottledAuthenticationForm,
    WorkingDaysForm,
)
from pooling.mixins import CapabilityRequiredMixin, add_service_errors
from pooling.models import CalendarOverride, County, Municipality
from pooling.rules import RULES


class LoginView(auth_views.LoginView):
    form_class = ThrottledAuthenticationForm
    redirect_authenticated_user = True


class HomeView(TemplateView):
    template_name = "pooling/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["counties"] = selectors.counties_for(user=user)
        return context


class CountyListView(CapabilityRequiredMixin, FilterView):
    capability = "pooling.view_structure"
    filterset_class = CountyFilter
    template_name = "pooling/county_list.html"
    paginate_by = 50

    def get_queryset(self):
        return selectors.counties_for(user=self.request.user)


class CountyDetailView(CapabilityRequiredMixin, DetailView):
    capability = "pooling.view_structure"
    template_name = "pooling/county_detail.html"
    context_object_name = "county"

    def get_queryset(self):
        # A county outside the user's scope is simply not found (404), so its existence leaks
        # nothing.
        return selectors.counties_for(user=self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        county = self.object
        context["pooling_models"] = county.pooling_models.all()
        context["evaluations"] = county.evaluations.select_related("decided_by")
        context["county_rules"] = county.rules.all()
        return context


class _ServiceFormView(CapabilityRequiredMixin, View):
    """GET shows the form; POST validates it and calls the service, showing service errors
    next to their fields. Subclasses define ``form_class``, ``make_form`` and ``perform``."""

    template_name = ""
    success_message = ""

    def make_form(self, data=None):
        raise NotImplementedError

    def perform(self, form):
        raise NotImplementedError

    def success_url(self, result) -> str:
        raise NotImplementedError

    def get(self, request, *args, **kwargs):
        return render(request, self.template_name, {"form": self.make_form(), "view": self})

    def post(self, request, *args, **kwargs):
        form = self.make_form(request.POST)
        if form.is_valid():
            try:
                result = self.perform(form)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, self.success_message)
                return HttpResponseRedirect(self.success_url(result))
        return render(request, self.template_name, {"form": form, "view": self}, status=400)


class PoolingModelListView(CapabilityRequiredMixin, FilterView):
    capability = "pooling.view_structure"
    filterset_class = CountyPoolingModelFilter
    template_name = "pooling/pooling_model_list.html"
    paginate_by = 50

    def get_queryset(self):
        return selectors.county_pooling_models_for(user=self.request.user)


class PoolingModelCreateView(_ServiceFormView):
    heading = gettext_lazy("Change a county's pooling model")
    capability = write_capability = "pooling.change_structure"
    template_name = "pooling/form.html"

    def dispatch(self, request, *args, **kwargs):
        self.success_message = _("The pooling model was changed.")
        return super().dispatch(request, *args, **kwargs)

    def make_form(self, data=None):
        return PoolingModelForm(data, counties=selectors.counties_for(user=self.request.user))

    def perform(self, form):
        return services.county_pooling_model_set(actor=self.request.user, **form.cleaned_data)

    def success_url(self, result) -> str:
        return reverse("pooling:county_detail", args=[result.county_id])


class AccessionListView(CapabilityRequiredMixin, FilterView):
    capability = "pooling.view_structure"
    filterset_class = AccessionEvaluationFilter
    template_name = "pooling/accession_list.html"
    paginate_by = 50

    def get_queryset(self):
        return selectors.accession_evaluations_for(user=self.request.user)


class AccessionCreateView(_ServiceFormView):
    heading = gettext_lazy("Record an accession evaluation")
    capability = write_capability = "pooling.record_accession"
    template_name = "pooling/form.html"

    def dispatch(self, request, *args, **kwargs):
        self.success_message = _("The evaluation was recorded.")
        return super().dispatch(request, *args, **kwargs)

    def make_form(self, data=None):
        return AccessionEvaluationForm(
            data, counties=selectors.counties_for(user=self.request.user)
        )

    def perform(self, form):
        return services.accession_evaluation_record(actor=self.request.user, **form.cleaned_data)

    def success_url(self, result) -> str:
        return reverse("pooling:accession_list")


class RuleListView(CapabilityRequiredMixin, FilterView):
    capability = "pooling.view_rules"
    filterset_class = PolicyRuleFilter
    template_name = "pooling/rule_list.html"
    paginate_by = 100

    def get_queryset(self):
        return selectors.policy_rules_for(user=self.request.user).select_related("created_by")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["specs"] = RULES
        return context


class RuleCreateView(_ServiceFormView):
    heading = gettext_lazy("Add a rule version")
    capability = write_capability = "pooling.change_rules"
    template_name = "pooling/form.html"

    def dispatch(self, request, *args, **kwargs):
        self.success_message = _("The new rule version was saved.")
        return super().dispatch(request, *args, **kwargs)

    def make_form(self, data=None):
        initial = {"key": self.request.GET.get("key")} if data is None else None
        return PolicyRuleForm(
            data, initial=initial, counties=selectors.counties_for(user=self.request.user)
        )

    def perform(self, form):
        municipality = _municipality_of(self.request.user, form.cleaned_data.get("county"))
        return services.policy_rule_add_version(
            municipality=municipality, actor=self.request.user, **form.cleaned_data
        )

    def success_url(self, result) -> str:
        return reverse("pooling:rule_list") + f"?key={result.key}"


class CalendarView(CapabilityRequiredMixin, FilterView):
    """Overrides, the form to add one, and a working-day calculator."""

    capability = "pooling.view_calendar"
    write_capability = "pooling.change_calendar"
    filterset_class = CalendarOverrideFilter
    template_name = "pooling/calendar.html"
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
                context["calculated"] = workdays.add_working_days(
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


class AuditListView(CapabilityRequiredMixin, FilterView):
    capability = "pooling.view_audit"
    filterset_class = AuditEventFilter
    template_name = "pooling/audit_list.html"
    paginate_by = 100

    def get_queryset(self):
        return selectors.audit_events_for(user=self.request.user)

    def render_to_response(self, context, **kwargs):
        if self.request.GET.get("export") == "csv":
            return _audit_csv(self.filterset.qs)
        return super().render_to_response(context, **kwargs)


class _Echo:
    def write(self, value):
        return value


def _audit_csv(queryset) -> StreamingHttpResponse:
    writer = csv.writer(_Echo())
    header = ["at", "actor", "action", "object_type", "object_id", "object", "before", "after"]

    def rows():
        yield writer.writerow(header)
        for event in queryset.iterator(chunk_size=2000):
            yield writer.writerow(
                [
                    event.at.isoformat(),
                    event.actor.username if event.actor else "",
                    event.action,
                    event.object_type,
                    event.object_id,
                    event.object_repr,
                    event.before,
                    event.after,
                ]
            )

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="audit-log.csv"'
    return response


def _may(request, capability: str) -> bool:
    return has_capability(request.user, capability)


def _municipality_of(user, county: County | None) -> Municipality:
    """The municipality a write by ``user`` applies to."""
    if county is not None:
        return county.municipality
    if user.municipality_id is None:
        raise ValidationError({"county": _("Your account belongs to no municipality.")})
    return user.municipality
