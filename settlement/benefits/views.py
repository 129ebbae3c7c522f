"""Pages of the benefit settlements: the statement list, entry by form and by file, the
county's review and the payment. Thin: they call ``funds.benefits`` and show its refusals.
Another county's statement is a 404 for a county officer."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import ListView

from pooling.core.exports import ListExportMixin, export_kind, export_response
from pooling.core.views import CapabilityRequiredMixin, add_service_errors
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
from settlement.benefits.selectors import benefit_plan_use_for_year
from settlement.institutions.selectors import institutions_for

VIEW = "funds.view_benefits"
ENTER = "funds.enter_benefits"
REVIEW = "funds.review_benefits"
PAY = "funds.pay_benefits"


FORM_TEMPLATE = "settlement/benefits/form.html"


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


class BenefitStatementEnterView(CapabilityRequiredMixin, View):
    capability = write_capability = ENTER
    heading = gettext_lazy("Enter a monthly statement")

    def _form(self, request, data=None):
        return BenefitStatementForm(data, institutions=institutions_for(user=request.user))

    def get(self, request):
        return render(request, FORM_TEMPLATE, {"form": self._form(request), "view": self})

    def post(self, request):
        form = self._form(request, request.POST)
        if form.is_valid():
            try:
                statement = services.benefit_statement_enter(
                    actor=request.user, **form.cleaned_data
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Statement entered."))
                return redirect("settlement:benefit_detail", pk=statement.pk)
        return render(request, FORM_TEMPLATE, {"form": form, "view": self}, status=400)


class BenefitImportView(CapabilityRequiredMixin, View):
    capability = write_capability = ENTER
    template_name = "settlement/benefits/import.html"

    def get(self, request):
        return render(request, self.template_name, {"form": BenefitImportForm()})

    def post(self, request):
        form = BenefitImportForm(request.POST, request.FILES)
        report = None
        if form.is_valid():
            if request.user.municipality_id is None:
                raise Http404
            upload = form.cleaned_data["file"]
            try:
                report = services.benefit_statements_import(
                    municipality=request.user.municipality,
                    file_name=upload.name,
                    content=upload.read(),
                    actor=request.user,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                if not report.has_errors:
                    messages.success(
                        request, _("%(count)s statements imported.") % {"count": report.imported}
                    )
                    return redirect("settlement:benefit_list")
        return render(request, self.template_name, {"form": form, "report": report}, status=400)


def _statement(request, pk: int) -> BenefitStatement:
    return get_object_or_404(selectors.benefit_statements_for(user=request.user), pk=pk)


def _detail(request, statement, review_form=None, status=200):
    return render(
        request,
        "settlement/benefits/detail.html",
        {
            "statement": statement,
            "review_form": review_form
            or BenefitReviewForm(initial={"amount_approved": statement.amount_claimed}),
        },
        status=status,
    )


class BenefitStatementDetailView(CapabilityRequiredMixin, View):
    capability = VIEW

    def get(self, request, pk: int):
        return _detail(request, _statement(request, pk))


class BenefitStatementReviewView(CapabilityRequiredMixin, View):
    capability = VIEW
    write_capability = REVIEW

    def post(self, request, pk: int):
        statement = _statement(request, pk)
        form = BenefitReviewForm(request.POST)
        if form.is_valid():
            try:
                services.benefit_statement_review(
                    statement=statement, actor=request.user, **form.cleaned_data
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Statement reviewed."))
                return redirect("settlement:benefit_detail", pk=statement.pk)
        return _detail(request, statement, review_form=form, status=400)


class BenefitStatementPayView(CapabilityRequiredMixin, View):
    capability = VIEW
    write_capability = PAY

    def post(self, request, pk: int):
        statement = _statement(request, pk)
        try:
            entry = services.benefit_statement_pay(statement=statement, actor=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Paid: ledger entry #%(entry)s.") % {"entry": entry.pk})
        return redirect("settlement:benefit_detail", pk=statement.pk)


class PharmacySpendingImportView(CapabilityRequiredMixin, View):
    """Import personal-account spending at pharmacies; a file with any row error imports
    nothing and shows the row-by-row report."""

    capability = VIEW
    write_capability = PAY
    template_name = "settlement/benefits/pharmacy_spending.html"

    def get(self, request):
        return render(request, self.template_name, {"form": PharmacySpendingForm()})

    def post(self, request):
        form = PharmacySpendingForm(request.POST, request.FILES)
        report = None
        if form.is_valid():
            if request.user.municipality_id is None:
                raise Http404
            upload = form.cleaned_data["file"]
            try:
                result = services.pharmacy_spending_import(
                    municipality=request.user.municipality,
                    file_name=upload.name,
                    content=upload.read(),
                    actor=request.user,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                report = result.report
                if not report.has_errors:
                    messages.success(
                        request,
                        _("%(count)s spending rows booked to the personal accounts.")
                        % {"count": report.imported},
                    )
                    return redirect("settlement:benefit_list")
        return render(request, self.template_name, {"form": form, "report": report}, status=400)


CAPABILITY = "settlement.view_plans"


class BenefitPlanUseView(CapabilityRequiredMixin, View):
    capability = CAPABILITY

    def get(self, request):
        counties = counties_for(user=request.user).order_by("code")
        data = request.GET.copy()
        data.setdefault("year", str(timezone.localdate().year))
        form = BenefitUseFilterForm(data, counties=counties)
        rows, totals = [], {}
        if form.is_valid():
            chosen = form.cleaned_data["county"]
            rows, totals = benefit_plan_use_for_year(
                counties=[chosen] if chosen else list(counties), year=form.cleaned_data["year"]
            )
            export = export_kind(request)
            if export:
                return self._export(export, rows, form.cleaned_data["year"])
        return render(
            request,
            "settlement/benefits/benefit_use.html",
            {"form": form, "rows": rows, "totals": totals, "query": request.GET.urlencode()},
        )

    def _export(self, export: str, rows, year: int):
        header = [
            _("Month"),
            _("County code"),
            _("County"),
            _("Fund"),
            _("Planned"),
            _("Paid"),
            _("Remaining"),
            _("Over plan"),
        ]
        lines = (
            (
                row.use.month.strftime("%Y-%m"),
                row.county.code,
                row.county.name,
                row.use.fund_code,
                row.use.planned,
                row.use.paid,
                row.use.remaining,
                _("yes") if row.use.over_plan else "",
            )
            for row in rows
        )
        return export_response(
            export=export,
            header=header,
            rows=lines,
            filename=f"benefit-plan-use-{year}",
            title=_("Plan use"),
        )
