"""Pages of contributions: declared payrolls and wages (one by one or from a file), the
contribution rules in force, the monthly assessments and the top-up calculator. Thin: they
read with the selectors and write with the services."""

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from django_filters.views import FilterView

from enrollment.contributions import selectors, services, top_ups
from enrollment.contributions.filters import AssessmentFilter, BaseFilter
from enrollment.contributions.forms import (
    AssessmentRunForm,
    BaseUploadForm,
    ContributionBaseForm,
    EmployerPayrollForm,
    RulesMonthForm,
    TopUpForm,
)
from enrollment.contributions.tasks import assessment_run_task
from enrollment.people.selectors import employers_for, people_for
from pooling.core.api import user_municipality
from pooling.core.exports import csv_response
from pooling.core.money import month_start
from pooling.core.views import (
    CapabilityRequiredMixin,
    ImportFormView,
    ServiceFormView,
    add_service_errors,
)

VIEW = "enrollment.view_enrollment"
CHANGE = "enrollment.change_enrollment"


# Declared payrolls and wages ---------------------------------------------------------------


class EmployerPayrollView(ServiceFormView):
    capability = write_capability = CHANGE
    heading = gettext_lazy("Declare last year's payroll")
    success_message = gettext_lazy("The payroll was saved.")

    def get_form(self, data=None, files=None):
        self.employer = get_object_or_404(
            employers_for(user=self.request.user), pk=self.kwargs["pk"]
        )
        return EmployerPayrollForm(data)

    def perform(self, form):
        return services.employer_payroll_set(
            employer=self.employer, actor=self.request.user, **form.cleaned_data
        )

    def get_success_url(self, result) -> str:
        return reverse("enrollment:employer_detail", args=[result.employer_id])

    def get_cancel_url(self) -> str:
        return reverse("enrollment:employer_detail", args=[self.kwargs["pk"]])


class ContributionBaseView(ServiceFormView):
    capability = write_capability = CHANGE
    heading = gettext_lazy("Declare a contribution base")
    success_message = gettext_lazy("The contribution base was saved.")

    def get_form(self, data=None, files=None):
        self.person = get_object_or_404(people_for(user=self.request.user), pk=self.kwargs["pk"])
        return ContributionBaseForm(data)

    def perform(self, form):
        return services.contribution_base_set(
            person=self.person, actor=self.request.user, **form.cleaned_data
        )

    def get_success_url(self, result) -> str:
        return reverse("enrollment:person_detail", args=[result.person_id])

    def get_cancel_url(self) -> str:
        return reverse("enrollment:person_detail", args=[self.kwargs["pk"]])


class BaseListView(CapabilityRequiredMixin, FilterView):
    capability = VIEW
    filterset_class = BaseFilter
    template_name = "enrollment/contributions/base_list.html"
    paginate_by = 100

    def get_queryset(self):
        return selectors.bases_for(user=self.request.user)


class BaseUploadView(ImportFormView):
    """Upload wages or payrolls; a file with errors shows the row-by-row report and writes
    nothing unless the user ticks “import the valid rows”."""

    capability = write_capability = CHANGE
    template_name = "enrollment/contributions/base_upload.html"
    heading = gettext_lazy("Upload wages or payrolls")
    cancel_url_name = "enrollment:base_list"

    def get_form(self, data=None, files=None):
        return BaseUploadForm(data, files)

    def import_file(self, upload, form):
        return services.contribution_base_import(
            municipality=user_municipality(self.request.user),
            kind=form.cleaned_data["kind"],
            file_name=upload.name,
            content=upload.read(),
            actor=self.request.user,
            import_valid_rows=form.cleaned_data["import_valid_rows"],
        )

    def get_success_url(self, result) -> str:
        return reverse("enrollment:base_list")


# Rules ----------------------------------------------------------------------------------------


class ContributionRulesView(CapabilityRequiredMixin, TemplateView):
    """The contribution rules in force for a chosen month, with links to add a version."""

    capability = VIEW
    template_name = "enrollment/contributions/contribution_rules.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = RulesMonthForm(self.request.GET or None)
        month = month_start(timezone.localdate())
        if form.is_bound and form.is_valid():
            month = form.cleaned_data["month"]
        context["form"], context["month"] = form, month
        context["rules"] = selectors.contribution_rules_in_force(
            municipality=user_municipality(self.request.user),
            month=month,
            county=self.request.user.county,
        )
        return context


# Assessments ------------------------------------------------------------------------------


class AssessmentListView(CapabilityRequiredMixin, FilterView):
    capability = VIEW
    filterset_class = AssessmentFilter
    template_name = "enrollment/contributions/assessment_list.html"
    paginate_by = 100

    def get_queryset(self):
        return selectors.assessments_for(user=self.request.user)

    def render_to_response(self, context, **kwargs):
        if self.request.GET.get("export") == "csv":
            return csv_response(
                header=selectors.ASSESSMENT_EXPORT_COLUMNS,
                rows=selectors.assessment_export_rows(self.filterset.qs),
                filename="assessments",
            )
        return super().render_to_response(context, **kwargs)


class AssessmentRunView(ServiceFormView):
    """Queue the assessment of a month; the list shows the new rows once it has run."""

    capability = write_capability = "enrollment.run_assessment"
    heading = gettext_lazy("Assess a month")
    success_message = gettext_lazy("The assessment has run; new rows are listed.")
    cancel_url_name = "enrollment:assessment_list"

    def get_form(self, data=None, files=None):
        return AssessmentRunForm(data)

    def perform(self, form):
        user = self.request.user
        month = form.cleaned_data["month"]
        assessment_run_task.delay(user_municipality(user).pk, month.isoformat(), user.pk)
        return month

    def get_success_url(self, result) -> str:
        return reverse("enrollment:assessment_list") + f"?month={result.isoformat()}"


# Top-ups ---------------------------------------------------------------------------------


class TopUpView(CapabilityRequiredMixin, TemplateView):
    """The top-up calculator of N 三(二)3–4: every case with its formula and amount. A
    calculation writes nothing, so its form is a GET."""

    capability = VIEW
    template_name = "enrollment/contributions/top_up.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = TopUpForm(self.request.GET or None, initial={"on": timezone.localdate()})
        if form.is_bound and form.is_valid():
            try:
                context["quote"] = top_ups.top_up_quote(
                    municipality=user_municipality(self.request.user), **form.cleaned_data
                )
            except ValidationError as error:
                add_service_errors(form, error)
        context["form"] = form
        return context

    def render_to_response(self, context, **kwargs):
        form = context["form"]
        if form.is_bound and form.errors:
            kwargs["status"] = 400
        return super().render_to_response(context, **kwargs)
