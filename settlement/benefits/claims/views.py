"""Pages of the claims: the list (scoped, filtered, exported), entry by form and by file with
the row report, the month's settlement, a claim with its working and its refund. Another
county's claim is a 404 for a county officer."""

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import ListView

from enrollment.people.models import InsuredPerson
from pooling.core.api import user_municipality
from pooling.core.exports import ListExportMixin
from pooling.core.imports import ImportReport
from pooling.core.money import parse_month
from pooling.core.views import CapabilityRequiredMixin, ServiceFormView
from settlement.benefits.claims import selectors, services
from settlement.benefits.claims.forms import (
    ClaimForm,
    ClaimImportForm,
    ClaimRefundForm,
    ClaimSettleForm,
)
from settlement.benefits.claims.models import Claim
from settlement.benefits.claims.services import ClaimInput
from settlement.institutions.selectors import institutions_for

VIEW = "settlement.view_claims"
ENTER = "settlement.enter_claims"
SETTLE = "settlement.settle_claims"

OUTPUT_COLUMNS = (
    "act_pay_dedc",
    "hifp_pay",
    "pool_prop_selfpay",
    "hifmi_pay",
    "hifob_pay",
    "maf_pay",
    "fund_pay_sumamt",
    "psn_part_amt",
    "acct_pay",
    "psn_cash_pay",
)


class ClaimListView(CapabilityRequiredMixin, ListExportMixin, ListView):
    capability = VIEW
    template_name = "settlement/benefits/claims/list.html"
    paginate_by = 50
    export_filename = "claims"
    export_title = gettext_lazy("Claims")
    # The national names head the export's columns, so an institution's file and ours match.
    export_columns = (
        ("setl_id", "setl_id"),
        ("certno", "person__id_number"),
        ("fixmedins_code", "institution__code"),
        ("med_type", "med_type"),
        ("referral", "referral"),
        ("begndate", "begndate"),
        (gettext_lazy("Settlement month"), "month"),
        ("medfee_sumamt", "medfee_sumamt"),
        ("fulamt_ownpay_amt", "fulamt_ownpay_amt"),
        ("overlmt_selfpay", "overlmt_selfpay"),
        ("preselfpay_amt", "preselfpay_amt"),
        ("inscp_scp_amt", "inscp_scp_amt"),
        *((name, name) for name in OUTPUT_COLUMNS),
        (gettext_lazy("Status"), "status"),
    )

    def get_queryset(self):
        queryset = selectors.claims_for(user=self.request.user)
        status = self.request.GET.get("status")
        if status in Claim.Status.values:
            queryset = queryset.filter(status=status)
        if self.request.GET.get("month"):
            try:
                queryset = queryset.filter(month=parse_month(self.request.GET["month"]))
            except ValidationError:
                queryset = queryset.none()
        institution = self.request.GET.get("institution", "")
        if institution.isdigit():
            queryset = queryset.filter(institution_id=int(institution))
        return queryset

    def get_context_data(self, **kwargs):
        return super().get_context_data(statuses=Claim.Status.choices, **kwargs)


class ClaimEnterView(ServiceFormView):
    capability = write_capability = ENTER
    heading = gettext_lazy("Enter a claim")
    success_message = gettext_lazy("Claim accepted; it is priced when its month is settled.")
    cancel_url_name = "settlement:claim_list"

    def get_form(self, data=None, files=None):
        user = self.request.user
        return ClaimForm(
            data,
            institutions=institutions_for(user=user).filter(kind="hospital"),
            people=InsuredPerson.objects.filter(municipality=user_municipality(user)),
        )

    def perform(self, form) -> Claim:
        data = dict(form.cleaned_data)
        data["person"] = data.pop("certno")
        return services.claim_enter(claim=ClaimInput(**data), actor=self.request.user)

    def get_success_url(self, claim: Claim) -> str:
        return reverse("settlement:claim_detail", args=[claim.pk])


class ClaimImportView(ServiceFormView):
    """A file of claims. Refused rows are reported row by row; nothing is imported unless the
    user chose to import the valid rows."""

    capability = write_capability = ENTER
    heading = gettext_lazy("Import claims")
    template_name = "settlement/benefits/import.html"
    multipart = True
    cancel_url_name = "settlement:claim_list"
    intro = gettext_lazy(
        "One row per settlement, with the national settlement interface's column names. Each "
        "refused row is named below with its reason."
    )
    report: ImportReport | None = None

    def get_form(self, data=None, files=None):
        return ClaimImportForm(data, files)

    def perform(self, form) -> ImportReport:
        upload = form.cleaned_data["file"]
        self.report = services.claims_import(
            municipality=user_municipality(self.request.user),
            file_name=upload.name,
            content=upload.read(),
            actor=self.request.user,
            import_valid_rows=form.cleaned_data["import_valid_rows"],
        )
        if self.report.has_errors and not self.report.imported:
            raise ValidationError(_("Some rows have errors; see the row-by-row report below."))
        return self.report

    @property
    def success_message(self) -> str:
        return _("%(count)s claims imported, %(refused)s rows refused.") % {
            "count": self.report.imported,
            "refused": len({error.row for error in self.report.errors}),
        }

    def get_success_url(self, report: ImportReport) -> str:
        return reverse("settlement:claim_list")

    def get_context_data(self, **context):
        return super().get_context_data(report=self.report, **context)


class ClaimSettleView(ServiceFormView):
    capability = write_capability = SETTLE
    heading = gettext_lazy("Settle a month's claims")
    cancel_url_name = "settlement:claim_list"

    def get_form(self, data=None, files=None):
        return ClaimSettleForm(data)

    def perform(self, form) -> services.SettlementResult:
        self.month = form.cleaned_data["month"]
        return services.claims_settle(
            municipality=user_municipality(self.request.user),
            month=self.month,
            actor=self.request.user,
        )

    @property
    def success_message(self) -> str:
        return _("Claims of %(month)s settled.") % {"month": self.month.strftime("%Y-%m")}

    def get_success_url(self, result) -> str:
        return reverse("settlement:claim_list") + f"?month={self.month:%Y-%m}"


class ClaimView(ServiceFormView):
    """A claim with its working; the refund form for a settled claim not yet refunded."""

    capability = VIEW
    write_capability = ENTER
    template_name = "settlement/benefits/claims/detail.html"
    success_message = gettext_lazy("Refund accepted; it is priced when its month is settled.")

    @cached_property
    def claim(self) -> Claim:
        return get_object_or_404(
            selectors.claims_for(user=self.request.user).select_related("reverses"),
            pk=self.kwargs["pk"],
        )

    def get_form(self, data=None, files=None):
        return ClaimRefundForm(data)

    def perform(self, form) -> Claim:
        return services.claim_refund(claim=self.claim, actor=self.request.user, **form.cleaned_data)

    def get_success_url(self, refund: Claim) -> str:
        return reverse("settlement:claim_detail", args=[refund.pk])

    def get_context_data(self, **context):
        refund_form = context.pop("form")
        refund = Claim.objects.filter(reverses=self.claim).first()
        return super().get_context_data(
            claim=self.claim,
            refund=refund,
            steps=selectors.claim_working(self.claim),
            refund_form=refund_form,
            may_refund=(
                self.claim.status == Claim.Status.SETTLED
                and not self.claim.is_refund
                and refund is None
            ),
            **context,
        )


class StatementsFromClaimsView(ServiceFormView):
    """Each institution's monthly statement per fund computed from its settled claims."""

    capability = write_capability = SETTLE
    heading = gettext_lazy("Compute the institutions' statements from their claims")
    cancel_url_name = "settlement:claim_list"

    def get_form(self, data=None, files=None):
        return ClaimSettleForm(data)

    def perform(self, form) -> services.StatementsFromClaims:
        self.month = form.cleaned_data["month"]
        return services.benefit_statements_from_claims(
            municipality=user_municipality(self.request.user),
            month=self.month,
            actor=self.request.user,
        )

    @property
    def success_message(self) -> str:
        return _("Statements of %(month)s computed from the claims.") % {
            "month": self.month.strftime("%Y-%m")
        }

    def get_success_url(self, result) -> str:
        return reverse("settlement:benefit_list")
