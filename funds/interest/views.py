"""Pages of the quarterly interest (N 三(四) 分别计息): the quarter's accounts with the
computed interest beside the bank's figure, the computation, and the clerk's confirmation
that books it. County officers see their county's accounts; auditors read only."""

import datetime

from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy
from django.views import View

from funds.interest import selectors, services
from funds.interest.forms import InterestComputeForm, InterestConfirmForm
from funds.interest.models import INTEREST_WORKFLOW
from pooling.core.access import has_capability
from pooling.core.money import ZERO
from pooling.core.views import CapabilityRequiredMixin, ServiceFormView, TransitionView

VIEW = "funds.view_interest"
COMPUTE = "funds.compute_interest"


class InterestListView(CapabilityRequiredMixin, View):
    capability = VIEW

    def get(self, request):
        dates = selectors.interest_settlement_dates_for(user=request.user)
        chosen = request.GET.get("settlement_date") or (dates[0].isoformat() if dates else "")
        try:
            day = datetime.date.fromisoformat(chosen) if chosen else None
        except ValueError:
            day = None
        rows = (
            list(
                selectors.interest_settlements_for(user=request.user)
                .filter(settlement_date=day)
                .order_by("account__fund_type__code", "county__code", "account__kind")
            )
            if day
            else []
        )
        context = {
            "dates": dates,
            "day": day,
            "rows": rows,
            "computed_total": sum((row.computed_interest for row in rows), ZERO),
            "booked_total": sum(
                (row.bank_interest for row in rows if row.bank_interest is not None), ZERO
            ),
            "may_compute": has_capability(request.user, COMPUTE),
        }
        return render(request, "funds/interest/list.html", context)


class InterestComputeView(ServiceFormView):
    capability = write_capability = COMPUTE
    heading = gettext_lazy("Compute a quarter's interest")
    success_message = gettext_lazy("The quarter's interest was computed; confirm each account.")
    submit_label = gettext_lazy("Compute")
    cancel_url_name = "funds:interest_list"

    def get_form(self, data=None, files=None):
        return InterestComputeForm(data)

    def perform(self, form):
        day = selectors.settlement_date_check(form.cleaned_data["settlement_date"])
        services.interest_quarter_compute(
            municipality=self.request.user.municipality,
            settlement_date=day,
            actor=self.request.user,
        )
        return day

    def get_success_url(self, result) -> str:
        return reverse("funds:interest_list") + f"?settlement_date={result.isoformat()}"


class InterestConfirmView(TransitionView):
    capability = VIEW
    transition = INTEREST_WORKFLOW["confirm"]
    form_class = InterestConfirmForm
    template_name = "funds/interest/confirm.html"
    success_message = gettext_lazy("The bank's figure was confirmed and the interest booked.")

    def get_queryset(self):
        return selectors.interest_settlements_for(user=self.request.user)

    def get_form(self, data=None, files=None):
        return InterestConfirmForm(data, initial={"bank_interest": self.object.computed_interest})

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["settlement"] = self.object
        return context

    def perform(self, form):
        return services.interest_settlement_confirm(
            settlement=self.object,
            bank_interest=form.cleaned_data["bank_interest"],
            actor=self.request.user,
        )

    def get_success_url(self, result=None) -> str:
        day = self.object.settlement_date.isoformat()
        return reverse("funds:interest_list") + f"?settlement_date={day}"
