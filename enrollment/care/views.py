"""Pages of outpatient specified diseases and out-of-area filings: lists per county, the
application or filing, and the agency's decision. Thin: they call ``enrollment.care``.
Another county's record is a 404 for a county officer."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import ListView

from enrollment.care import selectors, services
from enrollment.care.forms import (
    DiseaseApplicationForm,
    DiseaseAssessForm,
    FilingDecideForm,
    OutOfAreaFilingForm,
    SpecifiedDiseaseForm,
)
from enrollment.care.models import DecisionStatus
from enrollment.people.selectors import people_for
from pooling.core.exports import ListExportMixin
from pooling.core.views import CapabilityRequiredMixin, add_service_errors

VIEW = "enrollment.view_care"
APPLY = "enrollment.apply_care"
DECIDE = "enrollment.decide_care"
CATALOGUE = "enrollment.change_disease_catalogue"
FORM_TEMPLATE = "enrollment/care/form.html"


class _StatusFiltered(CapabilityRequiredMixin, ListExportMixin, ListView):
    capability = VIEW
    paginate_by = 50

    def filter_status(self, queryset):
        status = self.request.GET.get("status")
        return queryset.filter(status=status) if status in DecisionStatus.values else queryset

    def get_context_data(self, **kwargs):
        return super().get_context_data(statuses=DecisionStatus.choices, **kwargs)


class DiseaseApplicationListView(_StatusFiltered):
    template_name = "enrollment/care/disease_list.html"
    export_filename = "specified-disease-applications"
    export_title = gettext_lazy("Outpatient specified diseases")
    export_columns = (
        (gettext_lazy("ID number"), "person__id_number"),
        (gettext_lazy("Name"), "person__name"),
        (gettext_lazy("County"), "county__name"),
        (gettext_lazy("Disease"), "disease__name"),
        (gettext_lazy("Applied on"), "applied_on"),
        (gettext_lazy("Status"), "status"),
        (gettext_lazy("Approved from"), "approved_from"),
        (gettext_lazy("Reason for refusal"), "refusal_reason"),
    )

    def get_queryset(self):
        return self.filter_status(selectors.disease_applications_for(user=self.request.user))

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            diseases=selectors.diseases_for(user=self.request.user), **kwargs
        )


class OutOfAreaFilingListView(_StatusFiltered):
    template_name = "enrollment/care/filing_list.html"
    export_filename = "out-of-area-filings"
    export_title = gettext_lazy("Out-of-area filings")
    export_columns = (
        (gettext_lazy("ID number"), "person__id_number"),
        (gettext_lazy("Name"), "person__name"),
        (gettext_lazy("County"), "county__name"),
        (gettext_lazy("Kind"), "kind"),
        (gettext_lazy("Where"), "destination"),
        (gettext_lazy("Why"), "reason"),
        (gettext_lazy("From"), "valid_from"),
        (gettext_lazy("To"), "valid_to"),
        (gettext_lazy("Status"), "status"),
        (gettext_lazy("Reason for refusal"), "refusal_reason"),
    )

    def get_queryset(self):
        return self.filter_status(selectors.out_of_area_filings_for(user=self.request.user))


class _FormView(CapabilityRequiredMixin, View):
    """A form page whose valid data goes to one service; refusals show next to the fields."""

    success_message = ""

    def form(self, request, data=None):
        raise NotImplementedError

    def call(self, request, form):
        raise NotImplementedError

    def get(self, request, **kwargs):
        self.kwargs = kwargs
        return render(request, FORM_TEMPLATE, {"form": self.form(request), "view": self})

    def post(self, request, **kwargs):
        self.kwargs = kwargs
        form = self.form(request, request.POST)
        if form.is_valid():
            try:
                self.call(request, form)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, str(self.success_message))
                return redirect(self.success_url)
        return render(request, FORM_TEMPLATE, {"form": form, "view": self}, status=400)


class SpecifiedDiseaseAddView(_FormView):
    capability = write_capability = CATALOGUE
    heading = gettext_lazy("Add a specified disease")
    success_message = gettext_lazy("Saved.")
    success_url = "enrollment:disease_list"

    def form(self, request, data=None):
        return SpecifiedDiseaseForm(data)

    def call(self, request, form):
        if request.user.municipality_id is None:
            raise Http404
        services.specified_disease_add(
            municipality=request.user.municipality, actor=request.user, **form.cleaned_data
        )


class DiseaseApplyView(_FormView):
    capability = write_capability = APPLY
    heading = gettext_lazy("Apply for specified-disease cover")
    success_message = gettext_lazy("Application recorded.")
    success_url = "enrollment:disease_list"

    def form(self, request, data=None):
        return DiseaseApplicationForm(
            data,
            people=people_for(user=request.user),
            diseases=selectors.diseases_for(user=request.user),
        )

    def call(self, request, form):
        data = form.cleaned_data
        services.disease_application_submit(
            person=data["person"],
            disease=data["disease"],
            applied_on=data["applied_on"],
            actor=request.user,
        )


class DiseaseAssessView(_FormView):
    capability = write_capability = DECIDE
    heading = gettext_lazy("Assess the application")
    success_message = gettext_lazy("Decision recorded.")
    success_url = "enrollment:disease_list"

    def form(self, request, data=None):
        self.application = get_object_or_404(
            selectors.disease_applications_for(user=request.user), pk=self.kwargs["pk"]
        )
        return DiseaseAssessForm(data)

    def call(self, request, form):
        data = form.cleaned_data
        services.disease_application_assess(
            application=self.application,
            approve=data["decision"] == "approve",
            approved_from=data["approved_from"],
            refusal_reason=data["refusal_reason"],
            actor=request.user,
        )


class FilingCreateView(_FormView):
    capability = write_capability = APPLY
    heading = gettext_lazy("File out-of-area care or a referral")
    success_message = gettext_lazy("Filing recorded.")
    success_url = "enrollment:filing_list"

    def form(self, request, data=None):
        return OutOfAreaFilingForm(data, people=people_for(user=request.user))

    def call(self, request, form):
        data = dict(form.cleaned_data)
        data.pop("id_number")
        services.out_of_area_filing_submit(actor=request.user, **data)


class FilingDecideView(_FormView):
    capability = write_capability = DECIDE
    heading = gettext_lazy("Decide the filing")
    success_message = gettext_lazy("Decision recorded.")
    success_url = "enrollment:filing_list"

    def form(self, request, data=None):
        self.filing = get_object_or_404(
            selectors.out_of_area_filings_for(user=request.user), pk=self.kwargs["pk"]
        )
        return FilingDecideForm(data)

    def call(self, request, form):
        data = form.cleaned_data
        services.out_of_area_filing_decide(
            filing=self.filing,
            approve=data["decision"] == "approve",
            refusal_reason=data["refusal_reason"],
            actor=request.user,
        )
