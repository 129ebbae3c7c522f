"""Year-end pages (issue 8 items 3 and 5): each county's targets and their assessment with a
CSV/XLSX export, and the adjustment fund's year end (contributions per source, the deficit
waterfall with its formula and each layer's amounts). A county officer sees only their own
county's rows; auditors read everything; only city staff set targets or run the year end."""

import datetime
from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from pooling.access import has_capability
from pooling.exports import export_kind, export_response
from pooling.mixins import CapabilityRequiredMixin, add_service_errors
from pooling.models import Municipality
from pooling.selectors import counties_for, rule_value
from settlement import adjustment, targets
from settlement.models import AdjustmentContribution, AdjustmentYear, DeficitCover
from settlement.yearend_forms import AdjustmentRunForm, CountyTargetForm, YearForm


def default_year() -> int:
    """The year just ended: year-end work is done in the months after it."""
    return timezone.localdate().year - 1


def year_from(request) -> tuple[YearForm, int | None]:
    """The year asked for (default last year) and the bound form showing any error."""
    data = {"year": request.GET.get("year") or str(default_year())}
    form = YearForm(data)
    return form, form.cleaned_data["year"] if form.is_valid() else None


def percent(rate: Decimal | None) -> str:
    """A four-place rate as a percentage with two places (the rate is already rounded)."""
    return "" if rate is None else f"{(rate * 100).quantize(Decimal('0.01'))} %"


EXPORT_HEADER = (
    gettext_lazy("County code"),
    gettext_lazy("County"),
    gettext_lazy("Year"),
    gettext_lazy("Enrollment target"),
    gettext_lazy("Enrolled at year end"),
    gettext_lazy("Enrollment completion"),
    gettext_lazy("Collection target"),
    gettext_lazy("Collected"),
    gettext_lazy("Collection completion"),
    gettext_lazy("Revenue plan"),
    gettext_lazy("Revenue"),
    gettext_lazy("Revenue completion"),
    gettext_lazy("Expenditure plan"),
    gettext_lazy("Spending"),
    gettext_lazy("Expenditure execution"),
    gettext_lazy("Completion"),
)


def export_rows(assessments: list[targets.TargetAssessment]):
    for row in assessments:
        target = row.target
        yield [
            row.county.code, row.county.name, row.year,
            target.enrollment_target if target else "", row.enrolled, row.enrollment_rate or "",
            target.collection_target if target else "", row.collected, row.collection_rate or "",
            target.revenue_plan if target else "", row.revenue, row.revenue_rate or "",
            target.expenditure_plan if target else "", row.spending, row.expenditure_rate or "",
            row.completion if row.completion is not None else "",
        ]  # fmt: skip


class TargetReportView(CapabilityRequiredMixin, View):
    """Actual against target with completion rates, every county of the year."""

    capability = "settlement.view_targets"

    def get(self, request):
        form, year = year_from(request)
        assessments = targets.target_assessments_for(user=request.user, year=year) if year else []
        export = export_kind(request)
        if export and year:
            return export_response(
                export=export,
                header=[str(label) for label in EXPORT_HEADER],
                rows=export_rows(assessments),
                filename=f"targets-{year}",
                title=_("Targets %(year)s") % {"year": year},
            )
        rows = [
            {
                "row": row,
                "rates": [
                    percent(row.enrollment_rate),
                    percent(row.collection_rate),
                    percent(row.revenue_rate),
                    percent(row.expenditure_rate),
                ],
                "completion": percent(row.completion),
            }  # fmt: skip
            for row in assessments
        ]
        context = {
            "form": form,
            "year": year,
            "rows": rows,
            "query": f"year={year}" if year else "",
            "may_set": has_capability(request.user, "settlement.set_targets"),
        }
        return render(request, "settlement/yearend/targets.html", context,
                      status=200 if year else 400)  # fmt: skip


class TargetSetView(CapabilityRequiredMixin, View):
    """The city sets (or changes) a county's targets for a year."""

    capability = write_capability = "settlement.set_targets"
    template_name = "settlement/yearend/target_form.html"

    def _counties(self, request):
        return counties_for(user=request.user).order_by("code")

    def get(self, request):
        initial = {"year": request.GET.get("year") or timezone.localdate().year}
        county = self._counties(request).filter(pk=request.GET.get("county") or 0).first()
        if county is not None:
            initial["county"] = county.pk
            existing = targets.county_targets_for(user=request.user).filter(
                county=county, year=initial["year"]
            )
            for target in existing:
                initial.update(
                    enrollment_target=target.enrollment_target,
                    collection_target=target.collection_target,
                    revenue_plan=target.revenue_plan,
                    expenditure_plan=target.expenditure_plan,
                )
        form = CountyTargetForm(initial=initial, counties=self._counties(request))
        return render(request, self.template_name, {"form": form})

    def post(self, request):
        form = CountyTargetForm(request.POST, counties=self._counties(request))
        if form.is_valid():
            try:
                target = targets.county_target_set(actor=request.user, **form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request,
                    _("The targets of %(county)s for %(year)s were saved.")
                    % {"county": target.county.name, "year": target.year},
                )
                return HttpResponseRedirect(
                    f"{reverse('settlement:target_report')}?year={target.year}"
                )
        return render(request, self.template_name, {"form": form}, status=400)


def formula_rules(*, municipality: Municipality, year: int) -> dict[str, Decimal] | None:
    """The dated rules the page's formula shows, in force on 31 December of ``year``."""
    on = datetime.date(year, 12, 31)
    keys = (
        "adjustment_fund_rate", "adjustment_county_share_met", "adjustment_county_share_missed",
        "target_weight_enrollment", "target_weight_collection", "target_weight_revenue",
        "target_weight_expenditure",
    )  # fmt: skip
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
        municipality = targets.user_municipality(request.user)
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
        tiers = adjustment.tiers_under_adjustment(municipality=municipality, year=year) if year \
            else []  # fmt: skip
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
            ],  # fmt: skip
            "rules": rules,
            "rate_percent": percent(rules["adjustment_fund_rate"]) if rules else "",
            "met_percent": percent(rules["adjustment_county_share_met"]) if rules else "",
            "missed_percent": percent(rules["adjustment_county_share_missed"]) if rules else "",
            "may_run": has_capability(request.user, "settlement.run_adjustment"),
            "run_form": run_form or AdjustmentRunForm(initial={"year": year}),
        }

    def get(self, request):
        form, year = year_from(request)
        return render(request, self.template_name, self._context(request, form, year),
                      status=200 if year else 400)  # fmt: skip

    def post(self, request):
        run_form = AdjustmentRunForm(request.POST)
        if run_form.is_valid():
            year, step = run_form.cleaned_data["year"], run_form.cleaned_data["step"]
            service = (
                adjustment.adjustment_contributions_book
                if step == "contributions"
                else adjustment.adjustment_waterfall_run
            )
            try:
                result = service(
                    municipality=targets.user_municipality(request.user),
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
