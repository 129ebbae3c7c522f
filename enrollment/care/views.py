"""Pages of outpatient specified diseases and out-of-area filings: lists per county, the
application or filing, and the agency's decision. Thin: they call ``enrollment.care``.
Another county's record is a 404 for a county officer."""

from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext_lazy
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
from pooling.core.api import user_municipality
from pooling.core.exports import ListExportMixin
from pooling.core.views import CapabilityRequiredMixin, ServiceFormView

VIEW = "enrollment.view_care"
APPLY = "enrollment.apply_care"
DECIDE = "enrollment.decide_care"
CATALOGUE = "enrollment.change_disease_catalogue"


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


class _CareFormView(ServiceFormView):
    """A care form: back to its list (``list_url_name``) on success and on "Cancel"."""

    success_message = gettext_lazy("Decision recorded.")
    list_url_name = ""

    def get_success_url(self, result) -> str:
        return reverse(self.list_url_name)

    def get_cancel_url(self) -> str:
        return reverse(self.list_url_name)


class SpecifiedDiseaseAddView(_CareFormView):
    capability = write_capability = CATALOGUE
    heading = gettext_lazy("Add a specified disease")
    success_message = gettext_lazy("Saved.")
    list_url_name = "enrollment:disease_list"

    def get_form(self, data=None, files=None):
        return SpecifiedDiseaseForm(data)

    def perform(self, form):
        return services.specified_disease_add(
            municipality=user_municipality(self.request.user),
            actor=self.request.user,
            **form.cleaned_data,
        )


class DiseaseApplyView(_CareFormView):
    capability = write_capability = APPLY
    heading = gettext_lazy("Apply for specified-disease cover")
    success_message = gettext_lazy("Application recorded.")
    list_url_name = "enrollment:disease_list"

    def get_form(self, data=None, files=None):
        user = self.request.user
        return DiseaseApplicationForm(
            data, people=people_for(user=user), diseases=selectors.diseases_for(user=user)
        )

    def perform(self, form):
        data = form.cleaned_data
        return services.disease_application_submit(
            person=data["person"],
            disease=data["disease"],
            applied_on=data["applied_on"],
            actor=self.request.user,
        )


class DiseaseAssessView(_CareFormView):
    capability = write_capability = DECIDE
    heading = gettext_lazy("Assess the application")
    list_url_name = "enrollment:disease_list"

    def get_form(self, data=None, files=None):
        self.application = get_object_or_404(
            selectors.disease_applications_for(user=self.request.user), pk=self.kwargs["pk"]
        )
        return DiseaseAssessForm(data)

    def perform(self, form):
        data = form.cleaned_data
        return services.disease_application_assess(
            application=self.application,
            approve=data["decision"] == "approve",
            approved_from=data["approved_from"],
            refusal_reason=data["refusal_reason"],
            actor=self.request.user,
        )


class FilingCreateView(_CareFormView):
    capability = write_capability = APPLY
    heading = gettext_lazy("File out-of-area care or a referral")
    success_message = gettext_lazy("Filing recorded.")
    list_url_name = "enrollment:filing_list"

    def get_form(self, data=None, files=None):
        return OutOfAreaFilingForm(data, people=people_for(user=self.request.user))

    def perform(self, form):
        data = dict(form.cleaned_data)
        data.pop("id_number")
        return services.out_of_area_filing_submit(actor=self.request.user, **data)


class FilingDecideView(_CareFormView):
    capability = write_capability = DECIDE
    heading = gettext_lazy("Decide the filing")
    list_url_name = "enrollment:filing_list"

    def get_form(self, data=None, files=None):
        self.filing = get_object_or_404(
            selectors.out_of_area_filings_for(user=self.request.user), pk=self.kwargs["pk"]
        )
        return FilingDecideForm(data)

    def perform(self, form):
        data = form.cleaned_data
        return services.out_of_area_filing_decide(
            filing=self.filing,
            approve=data["decision"] == "approve",
            refusal_reason=data["refusal_reason"],
            actor=self.request.user,
        )
