"""Pages of the year end: deficit subsidies (N 三(四)6, J 二(五)2) — the counties' results of a
year, the applications, the application with the steps of its workflow — and the adjustment
fund's year end (Z 四(九)) with its formula and each layer's amounts. Another county's
application is a 404 for a county officer; auditors only read."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from pooling.core.api import user_municipality
from pooling.core.forms import ReturnForm
from pooling.core.money import ZERO
from pooling.core.views import CapabilityRequiredMixin, ServiceFormView, TransitionView
from pooling.core.workflow import Transition
from pooling.structure.selectors import counties_for
from settlement.targets.forms import YearForm, default_year
from settlement.targets.selectors import percent
from settlement.yearend import selectors, services
from settlement.yearend.forms import AdjustmentRunForm, DeficitApplicationForm
from settlement.yearend.models import DEFICIT_WORKFLOW, DeficitApplication
from settlement.yearend.services import AdjustmentYearResult

VIEW = "settlement.view_deficits"
APPLY = "settlement.apply_deficit"


# Deficit subsidies ----------------------------------------------------------------------------


class DeficitListView(CapabilityRequiredMixin, View):
    """The year's fund results of the counties the user may see, and the applications."""

    capability = VIEW

    def get(self, request):
        # A year that is not one (or out of range) shows the year just ended.
        year = YearForm.from_query(request.GET).chosen_year or default_year()
        context = {
            "year": year,
            "results": selectors.deficit_year_results_for(user=request.user, year=year),
            "applications": selectors.deficit_applications_for(user=request.user)[:200],
        }
        return render(request, "settlement/yearend/deficit_list.html", context)


class DeficitApplyView(ServiceFormView):
    capability = write_capability = APPLY
    template_name = "settlement/yearend/deficit_form.html"
    heading = gettext_lazy("Apply for a deficit subsidy")
    success_message = gettext_lazy("The deficit subsidy application was submitted.")
    multipart = True
    cancel_url_name = "settlement:deficit_list"

    def get_form(self, data=None, files=None):
        return DeficitApplicationForm(
            data,
            files,
            counties=counties_for(user=self.request.user).order_by("code"),
            initial={"year": default_year()},
        )

    def perform(self, form) -> DeficitApplication:
        return services.deficit_apply(actor=self.request.user, **form.cleaned_data)

    def get_success_url(self, application: DeficitApplication) -> str:
        return reverse("settlement:deficit_detail", args=[application.pk])


class DeficitDetailView(CapabilityRequiredMixin, View):
    """An application with its split (as booked, or as it would be booked now) and the
    buttons of the steps the user may take (``DEFICIT_WORKFLOW``)."""

    capability = VIEW

    def get(self, request, pk: int):
        application = get_object_or_404(
            selectors.deficit_applications_for(user=request.user), pk=pk
        )
        context = {
            "application": application,
            "split": selectors.application_split(application),
            "entries": selectors.deficit_entries(application),
        }
        return render(request, "settlement/yearend/deficit_detail.html", context)


class _DeficitStepView(TransitionView):
    """One step of a deficit application's workflow; the buttons on the application's page
    post here."""

    capability = VIEW
    detail_url_name = "settlement:deficit_detail"

    @property
    def transition(self) -> Transition:
        return DEFICIT_WORKFLOW[self.action]

    def get_queryset(self):
        return selectors.deficit_applications_for(user=self.request.user)


class DeficitReviewView(_DeficitStepView):
    action = "review"
    success_message = gettext_lazy("The application was passed to the bureau.")

    def perform(self, form):
        return services.deficit_review(application=self.object, actor=self.request.user)


class DeficitApproveView(_DeficitStepView):
    action = "approve"
    success_message = gettext_lazy("The deficit subsidy was approved and booked.")

    def perform(self, form):
        return services.deficit_approve(application=self.object, actor=self.request.user)


class DeficitReturnView(_DeficitStepView):
    action = "return"
    success_message = gettext_lazy("The application was returned.")

    form_class = ReturnForm

    def perform(self, form: ReturnForm):
        return services.deficit_return(
            application=self.object,
            actor=self.request.user,
            reason=form.cleaned_data["reason"],
        )


# The adjustment fund --------------------------------------------------------------------------


class AdjustmentView(ServiceFormView):
    """The adjustment fund's year end of a year: the formula with its numbers, each source's
    contribution and each deficit's layers. The agency runs the contributions, then the
    waterfall; a year the query cannot give is a form error (400)."""

    capability = "settlement.view_adjustment"
    write_capability = "settlement.run_adjustment"
    template_name = "settlement/yearend/adjustment.html"

    @cached_property
    def year_form(self) -> YearForm:
        """The year shown: the query's; after a refused run, the run's year if it is one,
        else the year just ended."""
        if self.request.method == "GET":
            return YearForm.from_query(self.request.GET)
        form = YearForm.from_query(self.request.POST)
        return form if form.is_valid() else YearForm.from_query({})

    def get(self, request, *args, **kwargs):
        status = 200 if self.year_form.chosen_year else 400
        return self.render_form(self.get_form(), status=status)

    def get_form(self, data=None, files=None) -> AdjustmentRunForm:
        return AdjustmentRunForm(data, initial={"year": self.year_form.chosen_year})

    def perform(self, form) -> AdjustmentYearResult:
        run = (
            services.adjustment_contributions_book
            if form.cleaned_data["step"] == "contributions"
            else services.adjustment_waterfall_run
        )
        self.result = run(
            municipality=user_municipality(self.request.user),
            year=form.cleaned_data["year"],
            actor=self.request.user,
        )
        if not self.booked:
            messages.info(self.request, _("Nothing new to book: this step has already run."))
        return self.result

    @property
    def booked(self) -> int:
        return self.result.contributions_created or self.result.covers_created

    @property
    def success_message(self) -> str:
        return _("%(count)s bookings were made.") % {"count": self.booked} if self.booked else ""

    def get_success_url(self, result: AdjustmentYearResult) -> str:
        return f"{reverse('settlement:adjustment_year')}?year={result.year}"

    def get_context_data(self, **context):
        year = self.year_form.chosen_year
        context.update(year_form=self.year_form, run_form=context.pop("form"), year=year)
        if year:
            context.update(self._year_context(year))
        return super().get_context_data(**context)

    def _year_context(self, year: int) -> dict:
        """The year's record, tiers, contributions and covers the user may see, and the
        rules of the formula."""
        user = self.request.user
        municipality = user_municipality(user)
        record = selectors.adjustment_year_of(municipality=municipality, year=year)
        contributions = list(selectors.adjustment_contributions_for(user=user, record=record))
        covers = selectors.deficit_covers_for(user=user, record=record)
        rules = selectors.formula_rules(municipality=municipality, year=year) or {}
        return {
            "record": record,
            "tiers": selectors.tiers_under_adjustment(municipality=municipality, year=year),
            "contributions": contributions,
            "contributions_total": sum((row.amount for row in contributions), ZERO),
            "covers": [
                {
                    "cover": cover,
                    "rest": cover.deficit - cover.own_used - cover.adjustment_used,
                    "completion": percent(cover.completion),
                    "share": percent(cover.county_share),
                }
                for cover in covers
            ],
            "rules": rules,
            "rate_percent": percent(rules.get("adjustment_fund_rate")),
            "met_percent": percent(rules.get("adjustment_county_share_met")),
            "missed_percent": percent(rules.get("adjustment_county_share_missed")),
        }
