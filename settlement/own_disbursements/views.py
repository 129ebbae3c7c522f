"""Pages of a tiered county's own disbursement (县级基金拨付): this year's disbursements with
the counties' current balances, and the form that posts one. Thin: they call
``settlement.own_disbursement``. A county officer sees and posts only for their own county;
the form offers only counties under a tiered model today; auditors only read (403 on the
form)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from pooling.core.access import has_capability
from pooling.core.views import CapabilityRequiredMixin, add_service_errors
from settlement.own_disbursements import selectors, services
from settlement.own_disbursements.forms import OwnDisbursementForm

VIEW = "settlement.view_own_disbursements"
POST = "settlement.post_own_disbursement"


class OwnDisbursementListView(CapabilityRequiredMixin, View):
    """This year's own disbursements and what each tiered county's accounts hold now."""

    capability = VIEW

    def get(self, request):
        today = timezone.localdate()
        counties = selectors.tiered_counties_for(user=request.user, on=today)
        context = {
            "year": today.year,
            "entries": selectors.own_disbursements_for(user=request.user, year=today.year),
            "balances": selectors.own_fund_balances(counties=counties),
            "may_post": has_capability(request.user, POST),
        }
        return render(request, "settlement/own_disbursements/list.html", context)


class OwnDisbursementCreateView(CapabilityRequiredMixin, View):
    """Post one own disbursement; refusals are shown next to the field they concern."""

    capability = write_capability = POST
    template_name = "settlement/own_disbursements/form.html"

    def _form(self, request, data=None) -> OwnDisbursementForm:
        today = timezone.localdate()
        counties = selectors.tiered_counties_for(user=request.user, on=today)
        initial = {"on": today}
        if counties.count() == 1:
            initial["county"] = counties.first()
        return OwnDisbursementForm(data, initial=initial, counties=counties)

    def get(self, request):
        return render(request, self.template_name, {"form": self._form(request)})

    def post(self, request):
        form = self._form(request, request.POST)
        if form.is_valid():
            try:
                entry = services.own_disbursement_post(actor=request.user, **form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request,
                    _(
                        "Entry #%(entry)s: %(amount)s moved to the expenditure account of "
                        "%(county)s."
                    )
                    % {
                        "entry": entry.pk,
                        "amount": form.cleaned_data["amount"],
                        "county": form.cleaned_data["county"].name,
                    },
                )
                return HttpResponseRedirect(reverse("settlement:own_disbursement_list"))
        return render(request, self.template_name, {"form": form}, status=400)
