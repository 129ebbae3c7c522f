"""The risk dashboard (issue 8 item 7): for one fund, every county's and the city level's
balance and months of spending covered over time, as inline SVG charts (``settlement.charts``)
and a table with the level of the last month. County officers see only their county; the city
level row and other counties are for city staff and auditors."""

from django.shortcuts import render
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views import View

from pooling.accounts.models import Role, User
from pooling.core.views import CapabilityRequiredMixin
from pooling.structure.selectors import counties_for
from settlement.risk.charts import Series, Threshold, line_chart_svg
from settlement.risk.forms import RiskFilterForm
from settlement.risk.selectors import RiskRow, Thresholds, risk_series, thresholds_for

CAPABILITY = "settlement.view_risk"
DEFAULT_FUND = "310100"


def filtered_risk_rows(*, user: User, data: dict) -> tuple[list[RiskRow], Thresholds]:
    """The series a validated filter asks for, in ``user``'s scope."""
    chosen = data.get("county")
    counties = [chosen] if chosen else list(counties_for(user=user).order_by("code"))
    municipality = counties[0].municipality if counties else user.municipality
    rows = risk_series(
        municipality=municipality,
        fund=data["fund"],
        end=data["month"],
        months=data["months"],
        counties=counties,
        include_city=user.role != Role.COUNTY_OFFICER and chosen is None,
    )
    return rows, thresholds_for(municipality=municipality, month=data["month"])


def risk_charts(rows: list[RiskRow], thresholds: Thresholds) -> tuple[str, str]:
    """The balance chart and the months-covered chart (with the two thresholds)."""
    labels = [point.month.strftime("%Y-%m") for point in rows[0].points] if rows else []
    balance = line_chart_svg(
        title=_("Balance (yuan)"),
        labels=labels,
        series=[Series(row.label, [point.balance for point in row.points]) for row in rows],
    )
    covered = line_chart_svg(
        title=_("Months of spending covered"),
        labels=labels,
        series=[Series(row.label, [point.months_covered for point in row.points]) for row in rows],
        thresholds=[
            Threshold(_("warning"), thresholds.warning, "#d97706"),
            Threshold(_("alert"), thresholds.alert, "#dc2626"),
        ],
    )
    return balance, covered


class RiskDashboardView(CapabilityRequiredMixin, View):
    capability = CAPABILITY

    def get(self, request):
        counties = counties_for(user=request.user).order_by("code")
        data = request.GET.copy()
        data.setdefault("fund", DEFAULT_FUND)
        data.setdefault("month", timezone.localdate().strftime("%Y-%m"))
        data.setdefault("months", "12")
        form = RiskFilterForm(data, counties=counties)
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
