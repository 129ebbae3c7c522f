"""Pages of historical balances and their release applications (N 三(四)5): the agency
registers a balance, the county applies to release part of its frozen 70 %, the agency
reviews and the bureau approves, either returns it with a reason. Another county's rows are a
404 for a county officer; auditors only read."""

from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy
from django.views import View

from funds.history import selectors, services
from funds.history.forms import HistoricalBalanceForm, ReleaseForm
from funds.history.models import RELEASE_WORKFLOW, HistoricalBalance, ReleaseApplication
from pooling.core.forms import ReturnForm
from pooling.core.views import CapabilityRequiredMixin, ServiceFormView, TransitionView
from pooling.core.workflow import Transition
from pooling.structure.selectors import counties_for

VIEW = "funds.view_history"
REGISTER = "funds.register_history"
APPLY = "funds.apply_history"


class HistoryListView(CapabilityRequiredMixin, View):
    capability = VIEW

    def get(self, request):
        user = request.user
        context = {
            "balances": selectors.historical_balances_for(user=user),
            "releases": selectors.release_applications_for(user=user)[:100],
        }
        return render(request, "funds/history/list.html", context)


class HistoryRegisterView(ServiceFormView):
    capability = write_capability = REGISTER
    template_name = "funds/history/register.html"
    heading = gettext_lazy("Register a historical balance")
    success_message = gettext_lazy("The historical balance was registered and booked.")
    cancel_url_name = "funds:history_list"

    def get_form(self, data=None, files=None) -> HistoricalBalanceForm:
        return HistoricalBalanceForm(data, counties=counties_for(user=self.request.user))

    def perform(self, form: HistoricalBalanceForm) -> HistoricalBalance:
        data = form.cleaned_data
        return services.historical_balance_register(
            county=data["county"],
            fund_type=data["fund_type"],
            cutover_date=data["cutover_date"],
            demand_deposit=data["demand_deposit"],
            deposits=form.deposits(),
            actor=self.request.user,
        )

    def get_success_url(self, result: HistoricalBalance) -> str:
        return reverse("funds:history_detail", args=[result.pk])


class HistoryDetailView(ServiceFormView):
    """A balance with its deposits and release applications, each with the buttons the user
    may use; its form applies for a release (errors next to the fields)."""

    capability = VIEW
    write_capability = APPLY
    template_name = "funds/history/detail.html"
    success_message = gettext_lazy("The release application was submitted.")

    @cached_property
    def balance(self) -> HistoricalBalance:
        return get_object_or_404(
            selectors.historical_balances_for(user=self.request.user), pk=self.kwargs["pk"]
        )

    def get_form(self, data=None, files=None) -> ReleaseForm:
        return ReleaseForm(data)

    def get_context_data(self, **context):
        balance = self.balance
        return super().get_context_data(
            balance=balance,
            deposits=balance.deposits.select_related("collection_entry"),
            releases=balance.releases.select_related("submitted_by", "reviewed_by", "decided_by"),
            **context,
        )

    def perform(self, form: ReleaseForm) -> ReleaseApplication:
        return services.release_apply(
            balance=self.balance, actor=self.request.user, **form.cleaned_data
        )

    def get_success_url(self, result: ReleaseApplication) -> str:
        return reverse("funds:history_detail", args=[self.balance.pk])


class _ReleaseStepView(TransitionView):
    """One step of a release application's workflow; the buttons on the balance's page post
    here."""

    capability = VIEW
    detail_url_name = "funds:history_detail"

    @property
    def transition(self) -> Transition:
        return RELEASE_WORKFLOW[self.action]

    def get_queryset(self):
        return selectors.release_applications_for(user=self.request.user)

    def detail_pk(self) -> int:
        return self.object.balance_id


class ReleaseReviewView(_ReleaseStepView):
    action = "review"
    success_message = gettext_lazy("The application was passed to the bureau.")

    def perform(self, form):
        return services.release_review(application=self.object, actor=self.request.user)


class ReleaseApproveView(_ReleaseStepView):
    action = "approve"
    success_message = gettext_lazy("The release was approved.")

    def perform(self, form):
        return services.release_approve(application=self.object, actor=self.request.user)


class ReleaseReturnView(_ReleaseStepView):
    action = "return"
    success_message = gettext_lazy("The application was returned.")

    form_class = ReturnForm

    def perform(self, form: ReturnForm):
        return services.release_return(
            application=self.object,
            actor=self.request.user,
            reason=form.cleaned_data["reason"],
        )
