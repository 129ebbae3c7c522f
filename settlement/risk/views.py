"""The risk dashboard: for one fund, every county's and the city level's balance and months of
spending covered over time, as inline SVG charts and a table with the level of the last month.
County officers see only their county; the city level row and other counties are for city
staff and auditors."""

from django.shortcuts import render
from django.utils.safestring import mark_safe
from django.views import View

from pooling.core.views import CapabilityRequiredMixin
from pooling.structure.selectors import counties_for
from settlement.risk.charts import risk_charts
from settlement.risk.forms import RiskFilterForm
from settlement.risk.selectors import filtered_risk_rows


class RiskDashboardView(CapabilityRequiredMixin, View):
    capability = "settlement.view_risk"

    def get(self, request):
        form = RiskFilterForm.from_query(
            request.GET, counties=counties_for(user=request.user).order_by("code")
        )
        context: dict = {"form": form}
        if form.is_valid():
            rows, thresholds = filtered_risk_rows(user=request.user, data=form.cleaned_data)
            balance_chart, covered_chart = risk_charts(rows, thresholds)
            context.update(
                rows=rows,
                thresholds=thresholds,
                # The SVG is built by a pure function that escapes every text it draws.
                balance_chart=mark_safe(balance_chart),  # noqa: S308
                covered_chart=mark_safe(covered_chart),  # noqa: S308
            )
        return render(request, "settlement/risk/dashboard.html", context)
