"""Pages of enrollment and contributions. Thin: scope with selectors, write with services."""

import csv

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseRedirect, StreamingHttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views import View
from django.views.generic import DetailView, TemplateView
from django_filters.views import FilterView

from enrollment import selectors, services
from enrollment.contributions import FileRejected
from enrollment.filters import (
    AssessmentFilter,
    BaseFilter,
    CollectionRowFilter,
    EmployerFilter,
    PersonFilter,
)
from enrollment.forms import (
    AssessmentRunForm,
    BaseUploadForm,
    CollectionUploadForm,
    ContributionBaseForm,
    EmployerForm,
    EmployerPayrollForm,
    EmployerUpdateForm,
    EpisodeForm,
    PersonForm,
    PersonStatusForm,
    RulesMonthForm,
    TopUpForm,
)
from enrollment.tasks import assessment_run_task
from pooling.access import has_capability
from pooling.mixins import CapabilityRequiredMixin, add_service_errors
from pooling.money import month_start
from pooling.selectors import counties_for

VIEW = "enrollment.view_enrollment"
CHANGE = "enrollment.change_enrollment"


def _municipality(user):
    if user.municipality_id is None:
        raise Http404
    return user.municipality


class _FormView(CapabilityRequiredMixin, View):
    """GET shows the form; POST validates it and calls ``perform``; service errors appear
    next to their fields."""

    template_name = "enrollment/form.html"
    heading = ""
    success_message = ""
    multipart = False

    def make_form(self, data=None, files=None):
        raise NotImplementedError

    def perform(self, form):
        raise NotImplementedError

    def success_url(self, result) -> str:
        raise NotImplementedError

    def context(self, **extra):
        return {"view": self, **extra}

    def get(self, request, *args, **kwargs):
        return render(request, self.template_name, self.context(form=self.make_form()))

    def post(self, request, *args, **kwargs):
        form = self.make_form(request.POST, request.FILES)
        if form.is_valid():
            try:
                result = self.perform(form)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, str(self.success_message))
                return HttpResponseRedirect(self.success_url(result))
        return render(request, self.template_name, self.context(form=form), status=400)


# Employers ---------------------------------------------------------------------------------


class EmployerListView(CapabilityRequiredMixin, FilterView):
    capability = VIEW
    filterset_class = EmployerFilter
    template_name = "enrollment/employer_list.html"
    paginate_by = 50

    def get_queryset(self):
        return selectors.employers_for(user=self.request.user)


class EmployerDetailView(CapabilityRequiredMixin, DetailView):
    capability = VIEW
    template_name = "enrollment/employer_detail.html"
    context_object_name = "employer"

    def get_queryset(self):
        return selectors.employers_for(user=self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["people"] = self.object.people.order_by("name")[:200]
        context["payrolls"] = self.object.payrolls.all()
        context["assessments"] = selectors.assessments_for(user=self.request.user).filter(
            employer=self.object
        )[:24]
        return context


class EmployerCreateView(_FormView):
    capability = write_capability = CHANGE
    heading = _lazy("Register an employer")
    success_message = _lazy("The employer was registered.")

    def make_form(self, data=None, files=None):
        return EmployerForm(data, counties=counties_for(user=self.request.user))

    def perform(self, form):
        return services.employer_create(actor=self.request.user, **form.cleaned_data)

    def success_url(self, result) -> str:
        return reverse("enrollment:employer_detail", args=[result.pk])


class _EmployerObject:
    def employer(self):
        return get_object_or_404(
            selectors.employers_for(user=self.request.user), pk=self.kwargs["pk"]
        )


class EmployerUpdateView(_EmployerObject, _FormView):
    capability = write_capability = CHANGE
    heading = _lazy("Change an employer")
    success_message = _lazy("The employer was changed.")

    def make_form(self, data=None, files=None):
        employer = self.employer()
        initial = {
            field: getattr(employer, field)
            for field in ("name", "unit_type", "status", "bankruptcy_date")
        }
        return EmployerUpdateForm(data, initial=initial)

    def perform(self, form):
        return services.employer_update(
            employer=self.employer(), actor=self.request.user, **form.cleaned_data
        )

    def success_url(self, result) -> str:
        return reverse("enrollment:employer_detail", args=[result.pk])


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


# People ------------------------------------------------------------------------------------


class PersonListView(CapabilityRequiredMixin, FilterView):
    capability = VIEW
    filterset_class = PersonFilter
    template_name = "enrollment/person_list.html"
    paginate_by = 50

    def get_queryset(self):
        return selectors.people_for(user=self.request.user)


class PersonDetailView(CapabilityRequiredMixin, DetailView):
    capability = VIEW
    template_name = "enrollment/person_detail.html"
    context_object_name = "person"

    def get_queryset(self):
        return selectors.personal_account_balances(user=self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        person = self.object
        context["episodes"] = person.episodes.select_related("county", "employer")
        context["bases"] = person.bases.all()
        context["assessments"] = selectors.assessments_for(user=self.request.user).filter(
            person=person
        )[:36]
        context["movements"] = person.account_movements.order_by("-month", "-pk")[:36]
        context["history"] = selectors.contribution_history(person=person, on=timezone.localdate())
        return context


class _PersonObject:
    def person(self):
        return get_object_or_404(selectors.people_for(user=self.request.user), pk=self.kwargs["pk"])


class PersonCreateView(_FormView):
    capability = write_capability = CHANGE
    heading = _lazy("Enroll a person")
    success_message = _lazy("The person was enrolled.")

    def make_form(self, data=None, files=None):
        user = self.request.user
        return PersonForm(
            data, counties=counties_for(user=user), employers=selectors.employers_for(user=user)
        )

    def perform(self, form):
        return services.person_enroll(actor=self.request.user, **form.cleaned_data)

    def success_url(self, result) -> str:
        return reverse("enrollment:person_detail", args=[result.pk])


class EpisodeCreateView(_PersonObject, _FormView):
    capability = write_capability = CHANGE
    heading = _lazy("Add an enrollment episode")
    success_message = _lazy("The episode was added.")

    def make_form(self, data=None, files=None):
        self.person()
        user = self.request.user
        return EpisodeForm(
            data, counties=counties_for(user=user), employers=selectors.employers_for(user=user)
        )

    def perform(self, form):
        return services.episode_add(
            person=self.person(), actor=self.request.user, **form.cleaned_data
        )

    def success_url(self, result) -> str:
        return reverse("enrollment:person_detail", args=[result.person_id])


class PersonStatusView(_PersonObject, _FormView):
    capability = write_capability = CHANGE
    heading = _lazy("Change a person's status")
    success_message = _lazy("The status was changed.")

    def make_form(self, data=None, files=None):
        return PersonStatusForm(data, initial={"status": self.person().status})

    def perform(self, form):
        return services.person_set_status(
            person=self.person(), actor=self.request.user, **form.cleaned_data
        )

    def success_url(self, result) -> str:
        return reverse("enrollment:person_detail", args=[result.pk])


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
    template_name = "enrollment/base_list.html"
    paginate_by = 100

    def get_queryset(self):
        return selectors.bases_for(user=self.request.user)


class BaseUploadView(CapabilityRequiredMixin, View):
    """Upload wages or payrolls; a file with errors shows the row-by-row report and writes
    nothing unless the user ticks “import the valid rows”."""

    capability = write_capability = CHANGE
    template_name = "enrollment/base_upload.html"

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
    template_name = "enrollment/contribution_rules.html"

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
    "month", "county", "person", "id_number", "employer", "scope", "base",
    "employer_pooled_fund", "employer_maternity", "employer_critical_illness",
    "individual_pooled_fund", "individual_personal_account", "individual_critical_illness",
    "employer_total", "individual_total", "total_due", "retiree_account_credit", "paid",
]  # fmt: skip


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
    template_name = "enrollment/assessment_list.html"
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


class ArrearsView(CapabilityRequiredMixin, TemplateView):
    capability = VIEW
    template_name = "enrollment/arrears.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        by = "employer" if self.request.GET.get("by") == "employer" else "person"
        context["by"] = by
        context["rows"] = selectors.arrears_for(user=self.request.user, by=by)[:500]
        return context


# Collections ------------------------------------------------------------------------------


class CollectionListView(CapabilityRequiredMixin, TemplateView):
    capability = "enrollment.view_collections"
    template_name = "enrollment/collection_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["batches"] = selectors.collection_batches_for(user=self.request.user)[:200]
        return context


class CollectionUploadView(CapabilityRequiredMixin, View):
    capability = "enrollment.view_collections"
    write_capability = "enrollment.import_collections"
    template_name = "enrollment/collection_upload.html"

    def get(self, request):
        return render(request, self.template_name, {"form": CollectionUploadForm()})

    def post(self, request):
        form = CollectionUploadForm(request.POST, request.FILES)
        report = None
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                result = services.collection_file_import(
                    municipality=_municipality(request.user),
                    file_name=upload.name,
                    content=upload.read(),
                    actor=request.user,
                )
            except FileRejected as error:
                report = error.report
                add_service_errors(form, error)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                if result.created:
                    messages.success(request, _("The file was imported and matched."))
                else:
                    messages.info(request, _("This file was imported before; nothing changed."))
                return HttpResponseRedirect(
                    reverse("enrollment:collection_detail", args=[result.batch.pk])
                )
        return render(request, self.template_name, {"form": form, "report": report}, status=400)


class CollectionDetailView(CapabilityRequiredMixin, DetailView):
    capability = "enrollment.view_collections"
    template_name = "enrollment/collection_detail.html"
    context_object_name = "batch"

    def get_queryset(self):
        return selectors.collection_batches_for(user=self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        rows = selectors.collection_rows_for(user=self.request.user, batch=self.object)
        context["filter"] = CollectionRowFilter(self.request.GET or None, queryset=rows)
        context["rows"] = context["filter"].qs[:1000]
        context["postings"] = selectors.collection_batch_postings(batch=self.object)
        context["outcomes"] = selectors.collection_outcome_counts(batch=self.object)
        return context


# Top-ups ---------------------------------------------------------------------------------


class TopUpView(CapabilityRequiredMixin, TemplateView):
    """The top-up calculator of N 三(二)3–4: every case with its formula and amount."""

    capability = VIEW
    template_name = "enrollment/top_up.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = TopUpForm(self.request.GET or None, initial={"on": timezone.localdate()})
        if form.is_bound and form.is_valid():
            try:
                context["quote"] = selectors.top_up_quote(
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
