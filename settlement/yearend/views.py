"""Pages of historical balances, release applications and deficit subsidies (N 三(四)5–6,
J 二(五)2). Thin: they call ``funds.history`` / ``funds.deficits`` and show their refusals.
Another county's rows are a 404 for a county officer; auditors only read."""

import datetime
from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from funds.history.forms import DecisionForm
from funds.history.views import APPLY, VIEW, _counties, _decide_capability, _may_decide
from funds.reports.selectors import county_year_results
from pooling.accounts.models import Role
from pooling.core.access import has_capability
from pooling.core.views import CapabilityRequiredMixin, add_service_errors
from pooling.rules.selectors import rule_value
from pooling.structure.models import Municipality
from pooling.structure.selectors import counties_for
from settlement.targets import selectors as targets_selectors
from settlement.targets.forms import YearForm
from settlement.targets.views import default_year, percent, year_from
from settlement.yearend import selectors as yearend_selectors
from settlement.yearend import services
from settlement.yearend.forms import AdjustmentRunForm, DeficitApplicationForm
from settlement.yearend.models import AdjustmentContribution, AdjustmentYear, DeficitCover


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
            results = county_year_results(municipality=user.municipality, year=year, county=county)
        context = {
            "year": year,
            "results": results,
            "applications": yearend_selectors.deficit_applications_for(user=user)[:200],
            "may_apply": has_capability(user, APPLY),
        }
        return render(request, "settlement/yearend/deficit_list.html", context)


class DeficitApplyView(CapabilityRequiredMixin, View):
    capability = write_capability = APPLY

    def _form(self, request, *args):
        return DeficitApplicationForm(*args, counties=_counties(request.user))

    def _render(self, request, form, status=200):
        return render(
            request, "settlement/yearend/deficit_form.html", {"form": form}, status=status
        )

    def get(self, request):
        form = self._form(request)
        form.initial["year"] = timezone.localdate().year - 1
        return self._render(request, form)

    def post(self, request):
        form = self._form(request, request.POST, request.FILES)
        if not form.is_valid():
            return self._render(request, form, status=400)
        try:
            application = services.deficit_apply(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
            return self._render(request, form, status=400)
        messages.success(request, _("The deficit subsidy application was submitted."))
        return redirect("settlement:deficit_detail", pk=application.pk)


class DeficitDetailView(CapabilityRequiredMixin, View):
    capability = VIEW
    write_capability = "funds.review_history"

    def dispatch(self, request, *args, **kwargs):
        if request.method == "POST" and has_capability(request.user, "funds.approve_history"):
            self.write_capability = "funds.approve_history"
        return super().dispatch(request, *args, **kwargs)

    def _application(self, request, pk):
        return get_object_or_404(
            yearend_selectors.deficit_applications_for(user=request.user), pk=pk
        )

    def _render(self, request, application, form=None, status=200):
        context = {
            "application": application,
            "split": yearend_selectors.application_split(application),
            "entries": yearend_selectors.deficit_entries(application),
            "form": form or (DecisionForm() if _may_decide(request.user) else None),
        }
        return render(request, "settlement/yearend/deficit_detail.html", context, status=status)

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
            services.deficit_decide(
                application=application,
                actor=request.user,
                step=step,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return self._render(request, application, form, status=400)
        messages.success(request, _("The application was updated."))
        return redirect("settlement:deficit_detail", pk=application.pk)


def formula_rules(*, municipality: Municipality, year: int) -> dict[str, Decimal] | None:
    """The dated rules the page's formula shows, in force on 31 December of ``year``."""
    on = datetime.date(year, 12, 31)
    keys = (
        "adjustment_fund_rate",
        "adjustment_county_share_met",
        "adjustment_county_share_missed",
        "target_weight_enrollment",
        "target_weight_collection",
        "target_weight_revenue",
        "target_weight_expenditure",
    )
    try:
        return {key: rule_value(municipality=municipality, key=key, on=on) for key in keys}
    except ValidationError:
        return None


class AdjustmentView(CapabilityRequiredMixin, View):
    """The adjustment fund's year end: run the contributions, then the waterfall; see each
    source's booking and each deficit's layers with the formula and its numbers."""

    capability = "settlement.view_adjustment"
    write_capability = "settlement.run_adjustment"
    template_name = "settlement/yearend/adjustment.html"

    def _context(self, request, form, year: int | None, run_form=None) -> dict:
        municipality = targets_selectors.user_municipality(request.user)
        record = None
        contributions, covers = [], []
        if year:
            record = AdjustmentYear.objects.filter(municipality=municipality, year=year).first()
            visible = counties_for(user=request.user)
            contributions = AdjustmentContribution.objects.filter(
                adjustment_year=record, county__in=visible
            ).select_related("county", "fund_type", "source_account", "entry")
            covers = (
                DeficitCover.objects.filter(adjustment_year=record, county__in=visible)
                .select_related("county", "fund_type")
                .prefetch_related("entries")
            )
        tiers = (
            yearend_selectors.tiers_under_adjustment(municipality=municipality, year=year)
            if year
            else []
        )
        rules = formula_rules(municipality=municipality, year=year) if year else None
        return {
            "form": form,
            "year": year,
            "record": record,
            "tiers": tiers,
            "contributions": contributions,
            "contributions_total": sum((row.amount for row in contributions), Decimal("0.00")),
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
            "rate_percent": percent(rules["adjustment_fund_rate"]) if rules else "",
            "met_percent": percent(rules["adjustment_county_share_met"]) if rules else "",
            "missed_percent": percent(rules["adjustment_county_share_missed"]) if rules else "",
            "may_run": has_capability(request.user, "settlement.run_adjustment"),
            "run_form": run_form or AdjustmentRunForm(initial={"year": year}),
        }

    def get(self, request):
        form, year = year_from(request)
        return render(
            request,
            self.template_name,
            self._context(request, form, year),
            status=200 if year else 400,
        )

    def post(self, request):
        run_form = AdjustmentRunForm(request.POST)
        if run_form.is_valid():
            year, step = run_form.cleaned_data["year"], run_form.cleaned_data["step"]
            service = (
                services.adjustment_contributions_book
                if step == "contributions"
                else services.adjustment_waterfall_run
            )
            try:
                result = service(
                    municipality=targets_selectors.user_municipality(request.user),
                    year=year,
                    actor=request.user,
                )
            except ValidationError as error:
                add_service_errors(run_form, error)
            else:
                created = result.contributions_created or result.covers_created
                if created:
                    messages.success(
                        request, _("%(count)s bookings were made.") % {"count": created}
                    )
                else:
                    messages.info(request, _("Nothing new to book: this step has already run."))
                return HttpResponseRedirect(f"{reverse('settlement:adjustment_year')}?year={year}")
        year = run_form.cleaned_data.get("year") if hasattr(run_form, "cleaned_data") else None
        form = YearForm({"year": year or default_year()})
        form.is_valid()
        context = self._context(request, form, form.cleaned_data.get("year"), run_form=run_form)
        return render(request, self.template_name, context, status=400)
