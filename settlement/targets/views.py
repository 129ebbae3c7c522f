"""Year-end pages (issue 8 items 3 and 5): each county's targets and their assessment with a
CSV/XLSX export, and the adjustment fund's year end (contributions per source, the deficit
waterfall with its formula and each layer's amounts). A county officer sees only their own
county's rows; auditors read everything; only city staff set targets or run the year end."""

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

from pooling.core.access import has_capability
from pooling.core.exports import export_kind, export_response
from pooling.core.views import CapabilityRequiredMixin, add_service_errors
from pooling.structure.selectors import counties_for
from settlement.targets import selectors, services
from settlement.targets.forms import CountyTargetForm, YearForm


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


def export_rows(assessments: list[selectors.TargetAssessment]):
    for row in assessments:
        target = row.target
        yield [
            row.county.code,
            row.county.name,
            row.year,
            target.enrollment_target if target else "",
            row.enrolled,
            row.enrollment_rate or "",
            target.collection_target if target else "",
            row.collected,
            row.collection_rate or "",
            target.revenue_plan if target else "",
            row.revenue,
            row.revenue_rate or "",
            target.expenditure_plan if target else "",
            row.spending,
            row.expenditure_rate or "",
            row.completion if row.completion is not None else "",
        ]


class TargetReportView(CapabilityRequiredMixin, View):
    """Actual against target with completion rates, every county of the year."""

    capability = "settlement.view_targets"

    def get(self, request):
        form, year = year_from(request)
        assessments = selectors.target_assessments_for(user=request.user, year=year) if year else []
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
            }
            for row in assessments
        ]
        context = {
            "form": form,
            "year": year,
            "rows": rows,
            "query": f"year={year}" if year else "",
            "may_set": has_capability(request.user, "settlement.set_targets"),
        }
        return render(
            request, "settlement/targets/targets.html", context, status=200 if year else 400
        )


class TargetSetView(CapabilityRequiredMixin, View):
    """The city sets (or changes) a county's targets for a year."""

    capability = write_capability = "settlement.set_targets"
    template_name = "settlement/targets/target_form.html"

    def _counties(self, request):
        return counties_for(user=request.user).order_by("code")

    def get(self, request):
        initial = {"year": request.GET.get("year") or timezone.localdate().year}
        county = self._counties(request).filter(pk=request.GET.get("county") or 0).first()
        if county is not None:
            initial["county"] = county.pk
            existing = selectors.county_targets_for(user=request.user).filter(
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
                target = services.county_target_set(actor=request.user, **form.cleaned_data)
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
