"""Pages of historical balances, release applications and deficit subsidies (N 三(四)5–6,
J 二(五)2). Thin: they call ``funds.history`` / ``funds.deficits`` and show their refusals.
Another county's rows are a 404 for a county officer; auditors only read."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from funds import deficits, history
from funds.history_forms import (
    DecisionForm,
    DeficitApplicationForm,
    HistoricalBalanceForm,
    ReleaseForm,
)
from funds.year_results import county_year_results
from pooling.access import has_capability
from pooling.mixins import CapabilityRequiredMixin, add_service_errors
from pooling.models import County, Role

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
            "balances": history.historical_balances_for(user=user),
            "releases": history.release_applications_for(user=user)[:100],
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
            balance = history.historical_balance_register(
                county=data["county"], fund_type=data["fund_type"],
                cutover_date=data["cutover_date"], demand_deposit=data["demand_deposit"],
                deposits=form.deposits(), actor=request.user,
            )  # fmt: skip
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
            ),  # fmt: skip
            "form": form or (ReleaseForm() if may_apply else None),
            "today": timezone.localdate(),
        }
        return render(request, "funds/history/detail.html", context, status=status)

    def _balance(self, request, pk):
        return get_object_or_404(history.historical_balances_for(user=request.user), pk=pk)

    def get(self, request, pk):
        return self._render(request, self._balance(request, pk))

    def post(self, request, pk):
        balance = self._balance(request, pk)
        form = ReleaseForm(request.POST)
        if not form.is_valid():
            return self._render(request, balance, form, status=400)
        try:
            history.release_apply(balance=balance, actor=request.user, **form.cleaned_data)
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
        application = get_object_or_404(history.release_applications_for(user=request.user),
                                        pk=pk)  # fmt: skip
        form = DecisionForm(request.POST)
        if form.is_valid():
            step = form.cleaned_data["step"]
            if not has_capability(request.user, _decide_capability(step)) and step != "return":
                messages.error(request, _("You may not take this step."))
            else:
                try:
                    history.release_decide(
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


class DeficitListView(CapabilityRequiredMixin, View):
    capability = VIEW

    def get(self, request):
        user = request.user
        try:
            year = int(request.GET.get("year") or timezone.localdate().year - 1)
        except ValueError:
            year = timezone.localdate().year - 1
        year = min(max(year, 2000), 2100)
        results = []
        if user.municipality_id:
            county = user.county if user.role == Role.COUNTY_OFFICER else None
            results = county_year_results(municipality=user.municipality, year=year,
                                          county=county)  # fmt: skip
        context = {
            "year": year,
            "results": results,
            "applications": deficits.deficit_applications_for(user=user)[:200],
            "may_apply": has_capability(user, APPLY),
        }
        return render(request, "funds/deficits/list.html", context)


class DeficitApplyView(CapabilityRequiredMixin, View):
    capability = write_capability = APPLY

    def _form(self, request, *args):
        return DeficitApplicationForm(*args, counties=_counties(request.user))

    def _render(self, request, form, status=200):
        return render(request, "funds/deficits/form.html", {"form": form}, status=status)

    def get(self, request):
        form = self._form(request)
        form.initial["year"] = timezone.localdate().year - 1
        return self._render(request, form)

    def post(self, request):
        form = self._form(request, request.POST, request.FILES)
        if not form.is_valid():
            return self._render(request, form, status=400)
        try:
            application = deficits.deficit_apply(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
            return self._render(request, form, status=400)
        messages.success(request, _("The deficit subsidy application was submitted."))
        return redirect("funds:deficit_detail", pk=application.pk)


class DeficitDetailView(CapabilityRequiredMixin, View):
    capability = VIEW
    write_capability = "funds.review_history"

    def dispatch(self, request, *args, **kwargs):
        if request.method == "POST" and has_capability(request.user, "funds.approve_history"):
            self.write_capability = "funds.approve_history"
        return super().dispatch(request, *args, **kwargs)

    def _application(self, request, pk):
        return get_object_or_404(deficits.deficit_applications_for(user=request.user), pk=pk)

    def _render(self, request, application, form=None, status=200):
        context = {
            "application": application,
            "split": deficits.application_split(application),
            "entries": deficits.deficit_entries(application),
            "form": form or (DecisionForm() if _may_decide(request.user) else None),
        }
        return render(request, "funds/deficits/detail.html", context, status=status)

    def get(self, request, pk):
        return self._render(request, self._application(request, pk))

    def post(self, request, pk):
        application = self._application(request, pk)
        form = DecisionForm(request.POST)
        if not form.is_valid():
            return self._render(request, application, form, status=400)
        step = form.cleaned_data["step"]
        if step != "return" and not has_capability(request.user, _decide_capability(step)):
            form.add_error("step", _("You may not take this step."))
            return self._render(request, application, form, status=400)
        try:
            deficits.deficit_decide(application=application, actor=request.user, step=step,
                                    reason=form.cleaned_data["reason"])  # fmt: skip
        except ValidationError as error:
            add_service_errors(form, error)
            return self._render(request, application, form, status=400)
        messages.success(request, _("The application was updated."))
        return redirect("funds:deficit_detail", pk=application.pk)
