"""Pages of a tiered county's own disbursement (县级基金拨付): this year's disbursements with
the counties' current balances, and the form that posts one through
``own_disbursement_post``. A county officer sees and posts only for their own county; the
form offers only counties under a tiered model today; auditors only read (403 on the form)."""

from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from funds.ledger.models import JournalEntry
from pooling.core.views import CapabilityRequiredMixin, ServiceFormView
from settlement.own_disbursements import selectors, services
from settlement.own_disbursements.forms import OwnDisbursementForm


class OwnDisbursementListView(CapabilityRequiredMixin, TemplateView):
    """This year's own disbursements and what each tiered county's accounts hold now."""

    capability = "settlement.view_own_disbursements"
    template_name = "settlement/own_disbursements/list.html"

    def get_context_data(self, **kwargs):
        user, today = self.request.user, timezone.localdate()
        counties = selectors.tiered_counties_for(user=user, on=today)
        return super().get_context_data(
            year=today.year,
            entries=selectors.own_disbursements_for(user=user, year=today.year),
            balances=selectors.own_fund_balances(counties=counties),
            **kwargs,
        )


class OwnDisbursementCreateView(ServiceFormView):
    """Post one own disbursement; refusals are shown next to the field they concern."""

    capability = write_capability = "settlement.post_own_disbursement"
    template_name = "settlement/own_disbursements/form.html"
    heading = gettext_lazy("New own disbursement")
    cancel_url_name = "settlement:own_disbursement_list"

    @cached_property
    def counties(self):
        return selectors.tiered_counties_for(user=self.request.user, on=timezone.localdate())

    def get_form(self, data=None, files=None) -> OwnDisbursementForm:
        initial = {"on": timezone.localdate()}
        if self.counties.count() == 1:
            initial["county"] = self.counties.first()
        return OwnDisbursementForm(data, initial=initial, counties=self.counties)

    def perform(self, form: OwnDisbursementForm) -> JournalEntry:
        entry = services.own_disbursement_post(actor=self.request.user, **form.cleaned_data)
        self.success_message = _(
            "Entry #%(entry)s: %(amount)s moved to the expenditure account of %(county)s."
        ) % {
            "entry": entry.pk,
            "amount": form.cleaned_data["amount"],
            "county": form.cleaned_data["county"].name,
        }
        return entry

    def get_success_url(self, result: JournalEntry) -> str:
        return reverse("settlement:own_disbursement_list")
