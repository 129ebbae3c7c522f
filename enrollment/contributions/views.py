"""Pages of enrollment and contributions. Thin: scope with selectors, write with services."""

import csv

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views import View
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
from enrollment.people.views import (
    CHANGE,
    VIEW,
    _EmployerObject,
    _FormView,
    _municipality,
    _PersonObject,
)
from pooling.core.access import has_capability
from pooling.core.money import month_start
from pooling.core.views import CapabilityRequiredMixin, add_service_errors


class EmployerPayrollView(_EmployerObject, _FormView):
    capability = write_capability = CHANGE
    heading = _lazy("Declare last year's payroll")
    success_message = _lazy("The payroll was saved.")

    def make_form(self, data=None, files=None):
        self.employer()
        return EmployerPayrollForm(data)

    def perform(self, form):
        return services.employer_payroll_set(
            employer=self.employer(), actor=self.request.user, **form.cleaned_data
        )

    def success_url(self, result) -> str:
        return reverse("enrollment:employer_detail", args=[result.employer_id])


class ContributionBaseView(_PersonObject, _FormView):
    capability = write_capability = CHANGE
    heading = _lazy("Declare a contribution base")
    success_message = _lazy("The contribution base was saved.")

    def make_form(self, data=None, files=None):
        self.person()
        return ContributionBaseForm(data)

    def perform(self, form):
        return services.contribution_base_set(
            person=self.person(), actor=self.request.user, **form.cleaned_data
        )

    def success_url(self, result) -> str:
        return reverse("enrollment:person_detail", args=[result.person_id])


# Bases ---------------------------------------------------------------------------------------


class BaseListView(CapabilityRequiredMixin, FilterView):
    capability = VIEW
    filterset_class = BaseFilter
    template_name = "enrollment/contributions/base_list.html"
    paginate_by = 100

    def get_queryset(self):
        return selectors.bases_for(user=self.request.user)


class BaseUploadView(CapabilityRequiredMixin, View):
    """Upload wages or payrolls; a file with errors shows the row-by-row report and writes
    nothing unless the user ticks “import the valid rows”."""

    capability = write_capability = CHANGE
    template_name = "enrollment/contributions/base_upload.html"

    def get(self, request):
        return render(request, self.template_name, {"form": BaseUploadForm()})

    def post(self, request):
        form = BaseUploadForm(request.POST, request.FILES)
        report = None
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                report = services.contribution_base_import(
                    municipality=_municipality(request.user),
                    kind=form.cleaned_data["kind"],
                    file_name=upload.name,
                    content=upload.read(),
                    actor=request.user,
                    import_valid_rows=form.cleaned_data["import_valid_rows"],
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                if report.imported:
                    messages.success(
                        request, _("%(count)s rows imported.") % {"count": report.imported}
                    )
                if not report.has_errors:
                    return HttpResponseRedirect(reverse("enrollment:base_list"))
        return render(request, self.template_name, {"form": form, "report": report}, status=400)


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
            municipality=_municipality(self.request.user),
            month=month,
            county=self.request.user.county,
        )
        context["may_change"] = has_capability(self.request.user, "pooling.change_rules")
        return context


# Assessments ------------------------------------------------------------------------------


class _Echo:
    def write(self, value):
        return value


ASSESSMENT_COLUMNS = [
    "month",
    "county",
    "person",
    "id_number",
    "employer",
    "scope",
    "base",
    "employer_pooled_fund",
    "employer_maternity",
    "employer_critical_illness",
    "individual_pooled_fund",
    "individual_personal_account",
    "individual_critical_illness",
    "employer_total",
    "individual_total",
    "total_due",
    "retiree_account_credit",
    "paid",
]


def assessments_csv(queryset) -> StreamingHttpResponse:
    writer = csv.writer(_Echo())

    def rows():
        yield writer.writerow(ASSESSMENT_COLUMNS)
        for item in queryset.iterator(chunk_size=2000):
            yield writer.writerow(
                [
                    item.month.isoformat()[:7],
                    item.county.code,
                    item.person.name,
                    item.person.id_number,
                    item.employer.credit_code if item.employer else "",
                    item.scope,
                    *(getattr(item, column) for column in ASSESSMENT_COLUMNS[6:17]),
                    int(item.paid),
                ]
            )

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="assessments.csv"'
    return response


class AssessmentListView(CapabilityRequiredMixin, FilterView):
    capability = VIEW
    filterset_class = AssessmentFilter
    template_name = "enrollment/contributions/assessment_list.html"
    paginate_by = 100

    def get_queryset(self):
        return selectors.assessments_for(user=self.request.user)

    def render_to_response(self, context, **kwargs):
        if self.request.GET.get("export") == "csv":
            return assessments_csv(self.filterset.qs)
        return super().render_to_response(context, **kwargs)


class AssessmentRunView(_FormView):
    capability = write_capability = "enrollment.run_assessment"
    heading = _lazy("Assess a month")
    success_message = _lazy("The assessment has run; new rows are listed.")

    def make_form(self, data=None, files=None):
        return AssessmentRunForm(data)

    def perform(self, form):
        user = self.request.user
        month = form.cleaned_data["month"]
        assessment_run_task.delay(_municipality(user).pk, month.isoformat(), user.pk)
        return month

    def success_url(self, result) -> str:
        return reverse("enrollment:assessment_list") + f"?month={result.isoformat()}"


# Top-ups ---------------------------------------------------------------------------------


class TopUpView(CapabilityRequiredMixin, TemplateView):
    """The top-up calculator of N 三(二)3–4: every case with its formula and amount."""

    capability = VIEW
    template_name = "enrollment/contributions/top_up.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = TopUpForm(self.request.GET or None, initial={"on": timezone.localdate()})
        if form.is_bound and form.is_valid():
            try:
                context["quote"] = top_ups.top_up_quote(
                    municipality=_municipality(self.request.user), **form.cleaned_data
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
