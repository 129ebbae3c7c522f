"""The plan-use page (issue 7 item 2): benefit payments to designated institutions counted
against each month's approved usage plan, per county and fund, with what is left and what went
over. Read-only; a county officer sees only their county. ``?export=csv|xlsx`` downloads it."""

from django import forms
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from pooling.exports import export_kind, export_response
from pooling.mixins import CapabilityRequiredMixin
from pooling.models import County
from pooling.selectors import counties_for
from settlement.benefit_selectors import benefit_plan_use_for_year

CAPABILITY = "settlement.view_plans"


class BenefitUseFilterForm(forms.Form):
    year = forms.IntegerField(label=gettext_lazy("Year"), min_value=2000, max_value=2100)
    county = forms.ModelChoiceField(
        label=gettext_lazy("County"), queryset=County.objects.none(), required=False
    )

    def __init__(self, *args, counties, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["county"].queryset = counties


class BenefitPlanUseView(CapabilityRequiredMixin, View):
    capability = CAPABILITY

    def get(self, request):
        counties = counties_for(user=request.user).order_by("code")
        data = request.GET.copy()
        data.setdefault("year", str(timezone.localdate().year))
        form = BenefitUseFilterForm(data, counties=counties)
        rows, totals = [], {}
        if form.is_valid():
            chosen = form.cleaned_data["county"]
            rows, totals = benefit_plan_use_for_year(
                counties=[chosen] if chosen else list(counties), year=form.cleaned_data["year"]
            )
            export = export_kind(request)
            if export:
                return self._export(export, rows, form.cleaned_data["year"])
        return render(
            request,
            "settlement/benefit_use.html",
            {"form": form, "rows": rows, "totals": totals, "query": request.GET.urlencode()},
        )

    def _export(self, export: str, rows, year: int):
        header = [_("Month"), _("County code"), _("County"), _("Fund"), _("Planned"), _("Paid"),
                  _("Remaining"), _("Over plan")]  # fmt: skip
        lines = (
            (
                row.use.month.strftime("%Y-%m"),
                row.county.code,
                row.county.name,
                row.use.fund_code,
                row.use.planned,
                row.use.paid,
                row.use.remaining,
                _("yes") if row.use.over_plan else "",
            )
            for row in rows
        )
        return export_response(
            export=export,
            header=header,
            rows=lines,
            filename=f"benefit-plan-use-{year}",
            title=_("Plan use"),
        )
