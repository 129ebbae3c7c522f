"""Pages of the targets (Z 四(八)): each county's targets and their assessment of a year with
a CSV/XLSX export, and the city's form that sets a county's targets. A county officer sees
only their own county's row; auditors read everything; only city staff set targets."""

from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from pooling.core.exports import export_kind, export_response
from pooling.core.views import CapabilityRequiredMixin, ServiceFormView
from pooling.structure.selectors import counties_for
from settlement.targets import selectors, services
from settlement.targets.forms import CountyTargetForm, YearForm
from settlement.targets.models import CountyTarget
from settlement.targets.selectors import percent


class TargetReportView(CapabilityRequiredMixin, View):
    """Actual against target with completion rates, every county of the year."""

    capability = "settlement.view_targets"

    def get(self, request):
        form = YearForm.from_query(request.GET)
        year = form.chosen_year
        assessments = selectors.target_assessments_for(user=request.user, year=year) if year else []
        export = export_kind(request)
        if export and year:
            return export_response(
                export=export,
                header=[str(label) for label in selectors.TARGET_EXPORT_HEADER],
                rows=selectors.target_export_rows(assessments),
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
        }
        return render(
            request, "settlement/targets/targets.html", context, status=200 if year else 400
        )


class TargetSetView(ServiceFormView):
    """The city sets (or changes) a county's targets for a year; opened from a county's row,
    the form shows the targets already set."""

    capability = write_capability = "settlement.set_targets"
    template_name = "settlement/targets/target_form.html"
    heading = gettext_lazy("Set a county's targets for a year")
    cancel_url_name = "settlement:target_report"

    def get_form(self, data=None, files=None):
        counties = counties_for(user=self.request.user).order_by("code")
        initial = self._initial(counties) if data is None else {}
        return CountyTargetForm(data, initial=initial, counties=counties)

    def _initial(self, counties) -> dict:
        """The county and year the query names, with their targets if already set."""
        query = self.request.GET
        year = query.get("year", "")
        initial = {"year": int(year) if year.isdigit() else timezone.localdate().year}
        county_pk = query.get("county", "")
        county = counties.filter(pk=county_pk).first() if county_pk.isdigit() else None
        if county is None:
            return initial
        initial["county"] = county.pk
        target = (
            selectors.county_targets_for(user=self.request.user)
            .filter(county=county, year=initial["year"])
            .first()
        )
        if target is not None:
            initial.update(
                enrollment_target=target.enrollment_target,
                collection_target=target.collection_target,
                revenue_plan=target.revenue_plan,
                expenditure_plan=target.expenditure_plan,
            )
        return initial

    def perform(self, form) -> CountyTarget:
        self.target = services.county_target_set(actor=self.request.user, **form.cleaned_data)
        return self.target

    @property
    def success_message(self) -> str:
        return _("The targets of %(county)s for %(year)s were saved.") % {
            "county": self.target.county.name,
            "year": self.target.year,
        }

    def get_success_url(self, target: CountyTarget) -> str:
        return f"{reverse('settlement:target_report')}?year={target.year}"
