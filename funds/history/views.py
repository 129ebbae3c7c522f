"""Pages of historical balances, release applications and deficit subsidies (N 三(四)5–6,
J 二(五)2). Thin: they call ``funds.history`` / ``funds.deficits`` and show their refusals.
Another county's rows are a 404 for a county officer; auditors only read."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from funds.history import selectors, services
from funds.history.forms import DecisionForm, HistoricalBalanceForm, ReleaseForm
from pooling.accounts.models import Role
from pooling.core.access import has_capability
from pooling.core.views import CapabilityRequiredMixin, add_service_errors
from pooling.structure.models import County

VIEW = "funds.view_history"
REGISTER = "funds.register_history"
APPLY = "funds.apply_history"


def _counties(user):
    queryset = County.objects.filter(municipality_id=user.municipality_id).order_by("code")
    if user.role == Role.COUNTY_OFFICER:
        queryset = queryset.filter(pk=user.county_id)
    return queryset


def _may_decide(user) -> bool:
    return has_capability(user, "funds.review_history") or has_capability(
        user, "funds.approve_history"
    )


def _decide_capability(step: str) -> str:
    return "funds.approve_history" if step == "approve" else "funds.review_history"


class HistoryListView(CapabilityRequiredMixin, View):
    capability = VIEW

    def get(self, request):
        user = request.user
        context = {
            "balances": selectors.historical_balances_for(user=user),
            "releases": selectors.release_applications_for(user=user)[:100],
            "may_register": has_capability(user, REGISTER),
        }
        return render(request, "funds/history/list.html", context)


class HistoryRegisterView(CapabilityRequiredMixin, View):
    capability = write_capability = REGISTER

    def _render(self, request, form, status=200):
        return render(request, "funds/history/form.html", {"form": form}, status=status)

    def get(self, request):
        return self._render(request, HistoricalBalanceForm(municipality=request.user.municipality))

    def post(self, request):
        form = HistoricalBalanceForm(request.POST, municipality=request.user.municipality)
        if not form.is_valid():
            return self._render(request, form, status=400)
        data = form.cleaned_data
        try:
            balance = services.historical_balance_register(
                county=data["county"],
                fund_type=data["fund_type"],
                cutover_date=data["cutover_date"],
                demand_deposit=data["demand_deposit"],
                deposits=form.deposits(),
                actor=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return self._render(request, form, status=400)
        messages.success(request, _("The historical balance was registered and booked."))
        return redirect("funds:history_detail", pk=balance.pk)


class HistoryDetailView(CapabilityRequiredMixin, View):
    capability = VIEW
    write_capability = APPLY

    def _render(self, request, balance, form=None, status=200):
        user = request.user
        may_apply = has_capability(user, APPLY) and (
            user.role != Role.COUNTY_OFFICER or user.county_id == balance.county_id
        )
        context = {
            "balance": balance,
            "deposits": balance.deposits.select_related("collection_entry"),
            "releases": balance.releases.select_related(
                "submitted_by", "reviewed_by", "decided_by"
            ),
            "form": form or (ReleaseForm() if may_apply else None),
            "today": timezone.localdate(),
        }
        return render(request, "funds/history/detail.html", context, status=status)

    def _balance(self, request, pk):
        return get_object_or_404(selectors.historical_balances_for(user=request.user), pk=pk)

    def get(self, request, pk):
        return self._render(request, self._balance(request, pk))

    def post(self, request, pk):
        balance = self._balance(request, pk)
        form = ReleaseForm(request.POST)
        if not form.is_valid():
            return self._render(request, balance, form, status=400)
        try:
            services.release_apply(balance=balance, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
            return self._render(request, balance, form, status=400)
        messages.success(request, _("The release application was submitted."))
        return redirect("funds:history_detail", pk=balance.pk)


class ReleaseDecideView(CapabilityRequiredMixin, View):
    capability = VIEW
    write_capability = "funds.review_history"

    def dispatch(self, request, *args, **kwargs):
        # The bureau approves without the review capability; the step decides below.
        if request.method == "POST" and _may_decide(request.user):
            self.write_capability = (
                "funds.review_history"
                if has_capability(request.user, "funds.review_history")
                else "funds.approve_history"
            )
        return super().dispatch(request, *args, **kwargs)

    def post(self, request, pk):
        application = get_object_or_404(
            selectors.release_applications_for(user=request.user), pk=pk
        )
        form = DecisionForm(request.POST)
        if form.is_valid():
            step = form.cleaned_data["step"]
            if not has_capability(request.user, _decide_capability(step)) and step != "return":
                messages.error(request, _("You may not take this step."))
            else:
                try:
                    services.release_decide(
                        application=application,
                        actor=request.user,
                        step=step,
                        reason=form.cleaned_data["reason"],
                    )
                    messages.success(request, _("The application was updated."))
                except ValidationError as error:
                    for message in error.messages:
                        messages.error(request, message)
        else:
            messages.error(request, _("Choose a decision."))
        return redirect("funds:history_detail", pk=application.balance_id)
