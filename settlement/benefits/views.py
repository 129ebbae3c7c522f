"""Pages of the benefit settlements: the statement list, entry by form and by file, the
statement with the county's review and its payment, the import of pharmacy spending, and
benefits against the usage plan. Another county's statement is a 404 for a county officer."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import ListView

from pooling.core.api import user_municipality
from pooling.core.exports import ListExportMixin, export_kind, export_response
from pooling.core.imports import ImportReport
from pooling.core.views import CapabilityRequiredMixin, ServiceFormView
from pooling.structure.selectors import counties_for
from settlement.benefits import selectors, services
from settlement.benefits.forms import (
    BenefitImportForm,
    BenefitReviewForm,
    BenefitStatementForm,
    BenefitUseFilterForm,
    PharmacySpendingForm,
)
from settlement.benefits.models import BenefitStatement
from settlement.institutions.selectors import institutions_for

VIEW = "settlement.view_benefits"
ENTER = "settlement.enter_benefits"
REVIEW = "settlement.review_benefits"
PAY = "settlement.pay_benefits"
VIEW_PLANS = "settlement.view_plans"


class BenefitStatementListView(CapabilityRequiredMixin, ListExportMixin, ListView):
    capability = VIEW
    template_name = "settlement/benefits/list.html"
    paginate_by = 50
    export_filename = "benefit-statements"
    export_title = gettext_lazy("Benefit settlements")
    export_columns = (
        (gettext_lazy("Month"), "month"),
        (gettext_lazy("County"), "county__name"),
        (gettext_lazy("Institution code"), "institution__code"),
        (gettext_lazy("Institution"), "institution__name"),
        (gettext_lazy("Fund"), "fund_type__code"),
        (gettext_lazy("Visits"), "visits"),
        (gettext_lazy("Amount claimed"), "amount_claimed"),
        (gettext_lazy("Amount approved"), "amount_approved"),
        (gettext_lazy("Reason for the cut"), "cut_reason"),
        (gettext_lazy("Status"), "status"),
        (gettext_lazy("Payment entry"), "payment_id"),
    )

    def get_queryset(self):
        queryset = selectors.benefit_statements_for(user=self.request.user)
        status = self.request.GET.get("status")
        if status in BenefitStatement.Status.values:
            queryset = queryset.filter(status=status)
        return queryset

    def get_context_data(self, **kwargs):
        return super().get_context_data(statuses=BenefitStatement.Status.choices, **kwargs)


class BenefitStatementEnterView(ServiceFormView):
    capability = write_capability = ENTER
    heading = gettext_lazy("Enter a monthly statement")
    success_message = gettext_lazy("Statement entered.")
    cancel_url_name = "settlement:benefit_list"

    def get_form(self, data=None, files=None):
        return BenefitStatementForm(data, institutions=institutions_for(user=self.request.user))

    def perform(self, form) -> BenefitStatement:
        return services.benefit_statement_enter(actor=self.request.user, **form.cleaned_data)

    def get_success_url(self, statement: BenefitStatement) -> str:
        return reverse("settlement:benefit_detail", args=[statement.pk])


class _ImportView(ServiceFormView):
    """A file through one import service. A file with any row error imports nothing: the page
    answers 400 with the row-by-row report below the form."""

    template_name = "settlement/benefits/import.html"
    multipart = True
    cancel_url_name = "settlement:benefit_list"
    intro = ""
    report: ImportReport | None = None

    def import_file(self, *, file_name: str, content: bytes) -> ImportReport:
        raise NotImplementedError

    def perform(self, form) -> ImportReport:
        upload = form.cleaned_data["file"]
        self.report = self.import_file(file_name=upload.name, content=upload.read())
        if self.report.has_errors:
            # The page stays (400) with the report below the form.
            raise ValidationError(_("Some rows have errors; see the row-by-row report below."))
        return self.report

    def get_success_url(self, report: ImportReport) -> str:
        return reverse("settlement:benefit_list")

    def get_context_data(self, **context):
        return super().get_context_data(report=self.report, **context)


class BenefitImportView(_ImportView):
    capability = write_capability = ENTER
    heading = gettext_lazy("Import monthly statements")
    intro = gettext_lazy(
        "A file with any row error imports nothing; correct the rows named below and upload "
        "it again."
    )

    def get_form(self, data=None, files=None):
        return BenefitImportForm(data, files)

    def import_file(self, *, file_name: str, content: bytes) -> ImportReport:
        return services.benefit_statements_import(
            municipality=user_municipality(self.request.user),
            file_name=file_name,
            content=content,
            actor=self.request.user,
        )

    @property
    def success_message(self) -> str:
        return _("%(count)s statements imported.") % {"count": self.report.imported}


class PharmacySpendingImportView(_ImportView):
    capability = VIEW
    write_capability = PAY
    heading = gettext_lazy("Import pharmacy spending from personal accounts")
    intro = gettext_lazy(
        "Each row debits one person's personal account; the personal-account control account "
        "of the person's county is debited in the same transaction. A row that would take an "
        "account below zero, or any other row error, imports nothing."
    )

    def get_form(self, data=None, files=None):
        return PharmacySpendingForm(data, files)

    def import_file(self, *, file_name: str, content: bytes) -> ImportReport:
        return services.pharmacy_spending_import(
            municipality=user_municipality(self.request.user),
            file_name=file_name,
            content=content,
            actor=self.request.user,
        ).report

    @property
    def success_message(self) -> str:
        return _("%(count)s spending rows booked to the personal accounts.") % {
            "count": self.report.imported
        }


class BenefitStatementView(ServiceFormView):
    """A statement with the county's review form, shown while the user may review it
    (``BENEFIT_WORKFLOW``); the detail route shows it, the review route posts it."""

    capability = VIEW
    write_capability = REVIEW
    template_name = "settlement/benefits/detail.html"
    success_message = gettext_lazy("Statement reviewed.")

    @cached_property
    def statement(self) -> BenefitStatement:
        return get_object_or_404(
            selectors.benefit_statements_for(user=self.request.user), pk=self.kwargs["pk"]
        )

    def get_form(self, data=None, files=None):
        return BenefitReviewForm(data, initial={"amount_approved": self.statement.amount_claimed})

    def perform(self, form) -> BenefitStatement:
        return services.benefit_statement_review(
            statement=self.statement, actor=self.request.user, **form.cleaned_data
        )

    def get_success_url(self, statement: BenefitStatement) -> str:
        return reverse("settlement:benefit_detail", args=[statement.pk])

    def get_context_data(self, **context):
        review_form = context.pop("form")
        return super().get_context_data(
            statement=self.statement, review_form=review_form, **context
        )


class BenefitStatementPayView(CapabilityRequiredMixin, View):
    """The pay button: the refusal (e.g. the amount missing in the account) or the entry
    posted is shown on the statement's page."""

    capability = VIEW
    write_capability = PAY

    def post(self, request, pk: int):
        statement = get_object_or_404(selectors.benefit_statements_for(user=request.user), pk=pk)
        try:
            entry = services.benefit_statement_pay(statement=statement, actor=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Paid: ledger entry #%(entry)s.") % {"entry": entry.pk})
        return redirect("settlement:benefit_detail", pk=statement.pk)


class BenefitPlanUseView(CapabilityRequiredMixin, View):
    """Benefits paid against the approved usage plan of a year, per county, month and fund,
    with a CSV/XLSX export."""

    capability = VIEW_PLANS

    def get(self, request):
        form = BenefitUseFilterForm.from_query(
            request.GET, counties=counties_for(user=request.user).order_by("code")
        )
        rows, totals = [], {}
        if form.is_valid():
            year = form.cleaned_data["year"]
            rows, totals = selectors.benefit_plan_use_for(
                user=request.user, year=year, county=form.cleaned_data["county"]
            )
            if export := export_kind(request):
                return export_response(
                    export=export,
                    header=[str(label) for label in selectors.BENEFIT_PLAN_USE_EXPORT_HEADER],
                    rows=selectors.benefit_plan_use_export_rows(rows),
                    filename=f"benefit-plan-use-{year}",
                    title=_("Plan use"),
                )
        return render(
            request,
            "settlement/benefits/benefit_use.html",
            {"form": form, "rows": rows, "totals": totals, "query": request.GET.urlencode()},
        )
