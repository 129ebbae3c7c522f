"""Pages of the resident fund (DOMAIN §13): the per-level subsidy report (due, received,
outstanding per county; exportable), the subsidy request, a receipt, and an assisting
payer's payment. County officers see their county; auditors read."""

from django.contrib import messages
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import ListView

from funds.residents import selectors, services
from funds.residents.forms import (
    AssistedCollectForm,
    CollectionImportForm,
    SubsidyReceiveForm,
    SubsidyRequestForm,
)
from pooling.core.api import user_municipality
from pooling.core.exports import ListExportMixin
from pooling.core.views import CapabilityRequiredMixin, ImportFormView, ServiceFormView
from pooling.structure.selectors import counties_for

VIEW = "funds.view_resident_fund"
BOOK = "funds.book_resident_fund"


class SubsidyReportView(CapabilityRequiredMixin, ListExportMixin, ListView):
    capability = VIEW
    template_name = "funds/residents/subsidy_report.html"
    paginate_by = 100
    export_filename = "resident-subsidies"
    export_title = gettext_lazy("Resident fiscal subsidies")
    export_columns = (
        (gettext_lazy("County"), "county__name"),
        (gettext_lazy("Benefit year"), "benefit_year"),
        (gettext_lazy("Finance level"), "level"),
        (gettext_lazy("Enrolled residents"), "headcount"),
        (gettext_lazy("Subsidy per resident"), "per_capita"),
        (gettext_lazy("Share"), "share"),
        (gettext_lazy("Due"), "due"),
        (gettext_lazy("Received"), "received"),
        (gettext_lazy("Outstanding"), "outstanding_amount"),
    )

    def get_queryset(self):
        queryset = selectors.resident_subsidies_for(user=self.request.user)
        year = self.request.GET.get("year", "")
        return queryset.filter(benefit_year=int(year)) if year.isdigit() else queryset


class SubsidyRequestView(ServiceFormView):
    capability = write_capability = BOOK
    heading = gettext_lazy("Request the resident subsidies of a benefit year")
    submit_label = gettext_lazy("Request")
    cancel_url_name = "funds:resident_subsidies"

    def get_form(self, data=None, files=None):
        return SubsidyRequestForm(data)

    def perform(self, form):
        subsidies = services.resident_subsidy_request(
            municipality=user_municipality(self.request.user),
            benefit_year=form.cleaned_data["benefit_year"],
            actor=self.request.user,
        )
        messages.success(
            self.request, _("%(count)s subsidies requested.") % {"count": len(subsidies)}
        )
        return subsidies

    def get_success_url(self, result) -> str:
        return reverse("funds:resident_subsidies")


class SubsidyReceiveView(ServiceFormView):
    capability = write_capability = BOOK
    success_message = gettext_lazy("Receipt booked.")
    cancel_url_name = "funds:resident_subsidies"

    @property
    def heading(self) -> str:
        return _("Book a receipt · %(subsidy)s") % {"subsidy": self.get_subsidy()}

    def get_subsidy(self):
        return get_object_or_404(
            selectors.resident_subsidies_for(user=self.request.user), pk=self.kwargs["pk"]
        )

    def get_form(self, data=None, files=None):
        return SubsidyReceiveForm(data)

    def perform(self, form):
        return services.resident_subsidy_receive(
            subsidy=self.get_subsidy(), actor=self.request.user, **form.cleaned_data
        )

    def get_success_url(self, result) -> str:
        return reverse("funds:resident_subsidies")


class AssistedCollectView(ServiceFormView):
    capability = write_capability = BOOK
    heading = gettext_lazy("Book an assisting payer's contributions")
    cancel_url_name = "funds:resident_subsidies"

    def get_form(self, data=None, files=None):
        return AssistedCollectForm(data, counties=counties_for(user=self.request.user))

    def perform(self, form):
        count, amount = services.resident_assisted_collect(
            actor=self.request.user, **form.cleaned_data
        )
        messages.success(
            self.request,
            _("%(count)s contributions paid, %(amount)s booked.")
            % {"count": count, "amount": amount},
        )
        return count

    def get_success_url(self, result) -> str:
        return reverse("enrollment:resident_arrears")


class CollectionImportView(ImportFormView):
    """Upload the tax bureau's file of residents' payments; a file with errors shows the row
    report and books nothing unless the user ticks “import the valid rows”."""

    capability = write_capability = BOOK
    template_name = "funds/residents/collection_import.html"
    heading = gettext_lazy("Book the tax bureau's file of resident contributions")
    cancel_url_name = "enrollment:resident_arrears"

    def get_form(self, data=None, files=None):
        return CollectionImportForm(data, files)

    def import_file(self, upload, form):
        return services.resident_collection_import(
            municipality=user_municipality(self.request.user),
            actor=self.request.user,
            file_name=upload.name,
            content=upload.read(),
            received_on=form.cleaned_data["received_on"],
            import_valid_rows=form.cleaned_data["import_valid_rows"],
        )

    def get_success_url(self, result) -> str:
        return reverse("enrollment:resident_arrears")
