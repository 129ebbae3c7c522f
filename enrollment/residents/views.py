"""Pages of resident enrollment (DOMAIN §13): the enrollments of a benefit year, enrolling a
resident, the import with its row report, the annual assessment, arrears and recording a
claim-free year. Thin: they call ``enrollment.residents``. A county officer sees and enrols
only their county's residents; auditors read."""

from django.contrib import messages
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import ListView

from enrollment.people.selectors import people_for
from enrollment.residents import selectors, services
from enrollment.residents.forms import (
    BenefitYearForm,
    ClaimFreeForm,
    ResidentEnrollForm,
    ResidentImportForm,
)
from pooling.core.api import user_municipality
from pooling.core.exports import ListExportMixin
from pooling.core.views import CapabilityRequiredMixin, ImportFormView, ServiceFormView

VIEW = "enrollment.view_enrollment"
CHANGE = "enrollment.change_enrollment"
ASSESS = "enrollment.run_assessment"


def _year_filter(request, queryset):
    year = request.GET.get("year", "")
    return queryset.filter(benefit_year=int(year)) if year.isdigit() else queryset


class ResidentEnrollmentListView(CapabilityRequiredMixin, ListExportMixin, ListView):
    capability = VIEW
    template_name = "enrollment/residents/enrollment_list.html"
    paginate_by = 50
    export_filename = "resident-enrollments"
    export_title = gettext_lazy("Resident enrollments")
    export_columns = (
        (gettext_lazy("ID number"), "person__id_number"),
        (gettext_lazy("Name"), "person__name"),
        (gettext_lazy("County"), "county__name"),
        (gettext_lazy("Benefit year"), "benefit_year"),
        (gettext_lazy("Category"), "category"),
        (gettext_lazy("Assisted group"), "assisted_group"),
        (gettext_lazy("Payer"), "payer"),
        (gettext_lazy("Enrolled on"), "enrolled_on"),
        (gettext_lazy("Waiting period (months)"), "waiting_months"),
        (gettext_lazy("Benefits from"), "benefits_from"),
        (gettext_lazy("Annual ceiling increment"), "ceiling_increment"),
        (gettext_lazy("Amount due"), "contribution__amount"),
        (gettext_lazy("Paid"), "contribution__paid"),
    )

    def get_queryset(self):
        queryset = selectors.resident_enrollments_for(user=self.request.user)
        return _year_filter(self.request, queryset).order_by("-benefit_year", "county__code", "pk")


class ResidentArrearsView(CapabilityRequiredMixin, ListExportMixin, ListView):
    capability = VIEW
    template_name = "enrollment/residents/arrears.html"
    paginate_by = 50
    export_filename = "resident-arrears"
    export_title = gettext_lazy("Resident contribution arrears")
    export_columns = (
        (gettext_lazy("ID number"), "enrollment__person__id_number"),
        (gettext_lazy("Name"), "enrollment__person__name"),
        (gettext_lazy("County"), "county__name"),
        (gettext_lazy("Benefit year"), "benefit_year"),
        (gettext_lazy("Payer"), "payer"),
        (gettext_lazy("Amount due"), "amount"),
        (gettext_lazy("Paid"), "paid"),
        (gettext_lazy("Outstanding"), "outstanding_amount"),
    )

    def get_queryset(self):
        return _year_filter(self.request, selectors.resident_arrears_for(user=self.request.user))

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            total=selectors.arrears_total(self.get_queryset()), **kwargs
        )


class _ResidentFormView(ServiceFormView):
    cancel_url_name = "enrollment:resident_list"

    def get_success_url(self, result) -> str:
        return reverse("enrollment:resident_list")


class ResidentEnrollView(_ResidentFormView):
    capability = write_capability = CHANGE
    heading = gettext_lazy("Enrol a resident for a benefit year")
    success_message = gettext_lazy("Resident enrolled and assessed.")

    def get_form(self, data=None, files=None):
        return ResidentEnrollForm(data, people=people_for(user=self.request.user))

    def perform(self, form):
        data = dict(form.cleaned_data)
        data.pop("id_number")
        return services.resident_enroll(actor=self.request.user, **data)

    def get_success_url(self, result) -> str:
        return reverse("enrollment:person_detail", args=[result.person_id])


class ResidentImportView(ImportFormView, _ResidentFormView):
    """Upload enrollments; a file with errors shows the row report and writes nothing unless
    the user ticks “import the valid rows”."""

    capability = write_capability = CHANGE
    template_name = "enrollment/residents/import.html"
    heading = gettext_lazy("Import resident enrollments")

    def get_form(self, data=None, files=None):
        return ResidentImportForm(data, files)

    def import_file(self, upload, form):
        return services.resident_enrollments_import(
            municipality=user_municipality(self.request.user),
            actor=self.request.user,
            file_name=upload.name,
            content=upload.read(),
            import_valid_rows=form.cleaned_data["import_valid_rows"],
        )


class ResidentAssessView(_ResidentFormView):
    capability = write_capability = ASSESS
    heading = gettext_lazy("Assess the residents' contributions of a benefit year")
    submit_label = gettext_lazy("Assess")

    def get_form(self, data=None, files=None):
        return BenefitYearForm(data)

    def perform(self, form):
        count = services.resident_contributions_assess(
            municipality=user_municipality(self.request.user),
            benefit_year=form.cleaned_data["benefit_year"],
            actor=self.request.user,
        )
        messages.success(self.request, _("%(count)s contributions assessed.") % {"count": count})
        return count


class ClaimFreeView(ServiceFormView):
    capability = write_capability = CHANGE
    heading = gettext_lazy("Record the year's fund payments")

    def get_enrollment(self):
        return get_object_or_404(
            selectors.resident_enrollments_for(user=self.request.user), pk=self.kwargs["pk"]
        )

    def get_form(self, data=None, files=None):
        return ClaimFreeForm(data)

    def perform(self, form):
        return services.resident_claim_free_record(
            enrollment=self.get_enrollment(),
            claim_free=form.cleaned_data["claim_free"],
            actor=self.request.user,
        )

    def get_success_url(self, result) -> str:
        return reverse("enrollment:person_detail", args=[result.person_id])

    def get_cancel_url(self) -> str:
        return reverse("enrollment:person_detail", args=[self.get_enrollment().person_id])
