"""The final-accounts page (issue 8 item 6): per fund, the standard income and expenditure
lines of every county and the city level for a year or any month range, with the city total
and the balance check; ``?export=xlsx`` downloads the table laid out for auditors. A county
officer sees only their county's column; auditors and city staff the whole city."""

import datetime
import tempfile
from decimal import Decimal

from django import forms
from django.http import FileResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from funds.budgets.models import BudgetLineCode
from funds.ledger.models import FundType
from funds.reports.selectors import EXPENDITURE_ORDER, INCOME_ORDER, FinalAccounts, final_accounts
from pooling.accounts.models import Role, User
from pooling.core.exports import XLSX_TYPE
from pooling.core.views import CapabilityRequiredMixin
from pooling.structure.models import County
from pooling.structure.selectors import counties_for

CAPABILITY = "funds.view_final_accounts"
DEFAULT_FUND = "310100"


class FinalAccountsFilterForm(forms.Form):
    """Year, month range, fund and (optionally) one county."""

    year = forms.IntegerField(label=gettext_lazy("Year"), min_value=2000, max_value=2100)
    month_from = forms.IntegerField(
        label=gettext_lazy("From month"), min_value=1, max_value=12, required=False
    )
    month_to = forms.IntegerField(
        label=gettext_lazy("To month"), min_value=1, max_value=12, required=False
    )
    fund = forms.ModelChoiceField(
        label=gettext_lazy("Fund"), queryset=FundType.objects.order_by("code"), to_field_name="code"
    )
    county = forms.ModelChoiceField(
        label=gettext_lazy("County"), queryset=County.objects.none(), required=False
    )

    def __init__(self, *args, counties, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["county"].queryset = counties

    def clean(self):
        data = super().clean()
        first, last = data.get("month_from") or 1, data.get("month_to") or 12
        if first > last:
            self.add_error("month_to", _("The last month comes before the first."))
        data["month_from"], data["month_to"] = first, last
        return data


def filtered_final_accounts(*, user: User, data: dict) -> FinalAccounts:
    """The final accounts a validated filter asks for, in ``user``'s scope: a county officer
    gets only their county; others the whole city unless they chose a county."""
    start = datetime.date(data["year"], data["month_from"], 1)
    end = datetime.date(data["year"], data["month_to"], 1)
    chosen = data.get("county")
    whole_city = user.role != Role.COUNTY_OFFICER and chosen is None
    counties = [chosen] if chosen else list(counties_for(user=user).order_by("code"))
    municipality = counties[0].municipality if counties else user.municipality
    return final_accounts(
        municipality=municipality,
        fund=data["fund"],
        start=start,
        end=end,
        counties=counties,
        include_city=whole_city,
    )


def table_rows(accounts: FinalAccounts) -> list[tuple[str, str, list[Decimal]]]:
    """The rows of the table as (style, label, one amount per column): the same layout on
    the page and in the workbook."""
    columns = accounts.all_columns()
    labels = dict(BudgetLineCode.choices)
    rows = [("balance", _("Opening balance"), [column.opening for column in columns])]
    for code in INCOME_ORDER:
        rows.append(("line", str(labels[code]), [column.line(code) for column in columns]))
    rows.append(("total", _("Total income"), [column.income for column in columns]))
    for code in EXPENDITURE_ORDER:
        rows.append(("line", str(labels[code]), [column.line(code) for column in columns]))
    rows.append(("total", _("Total expenditure"), [column.expenditure for column in columns]))
    rows.append(("total", _("Surplus for the period"), [column.surplus for column in columns]))
    rows.append(("balance", _("Closing balance"), [column.closing for column in columns]))
    rows.append(
        (
            "check",
            _("Check: opening + income − expenditure − closing"),
            [column.difference for column in columns],
        )
    )
    return rows


def column_labels(accounts: FinalAccounts) -> list[str]:
    labels = [column.label for column in accounts.columns]
    if accounts.city_total:
        labels += [_("Inter-level eliminations"), _("City total")]
    return labels


def final_accounts_workbook(accounts: FinalAccounts, *, unit: str) -> FileResponse:
    """An auditor's layout: title, period, fund and unit on top, lines as rows, counties as
    columns, the eliminations and city total last, the check row at the bottom."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = accounts.fund.code
    period = f"{accounts.start:%Y-%m} — {accounts.end:%Y-%m}"
    labels = column_labels(accounts)
    sheet.append([_("Final accounts of %(fund)s") % {"fund": accounts.fund.name}])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(labels) + 1)
    sheet["A1"].font = Font(bold=True, size=14)
    sheet["A1"].alignment = Alignment(horizontal="center")
    sheet.append([_("Period: %(period)s") % {"period": period}])
    sheet.append([_("Prepared by: %(unit)s") % {"unit": unit}, "", _("Unit: yuan")])
    sheet.append([_("Line"), *labels])
    for cell in sheet[4]:
        cell.font = Font(bold=True)
    for style, label, amounts in table_rows(accounts):
        sheet.append([label, *amounts])
        if style != "line":
            for cell in sheet[sheet.max_row]:
                cell.font = Font(bold=True)
        for cell in sheet[sheet.max_row][1:]:
            cell.number_format = "#,##0.00"
    sheet.column_dimensions["A"].width = 36
    for index in range(len(labels)):
        sheet.column_dimensions[chr(ord("B") + index) if index < 25 else "Z"].width = 16
    handle = tempfile.NamedTemporaryFile(suffix=".xlsx")  # noqa: SIM115 - closed by the response
    workbook.save(handle)
    handle.seek(0)
    filename = f"final-accounts-{accounts.fund.code}-{accounts.start:%Y%m}-{accounts.end:%Y%m}"
    return FileResponse(
        handle, as_attachment=True, filename=f"{filename}.xlsx", content_type=XLSX_TYPE
    )


class FinalAccountsView(CapabilityRequiredMixin, View):
    capability = CAPABILITY

    def get(self, request):
        counties = counties_for(user=request.user).order_by("code")
        data = request.GET.copy()
        data.setdefault("year", str(timezone.localdate().year))
        data.setdefault("fund", DEFAULT_FUND)
        form = FinalAccountsFilterForm(data, counties=counties)
        accounts = None
        if form.is_valid():
            accounts = filtered_final_accounts(user=request.user, data=form.cleaned_data)
            if request.GET.get("export") == "xlsx":
                unit = str(accounts.municipality.name)
                if request.user.role == Role.COUNTY_OFFICER:
                    unit = str(request.user.county.name)
                return final_accounts_workbook(accounts, unit=unit)
        context = {"form": form, "accounts": accounts, "query": request.GET.urlencode()}
        if accounts is not None:
            context["labels"] = column_labels(accounts)
            context["rows"] = table_rows(accounts)
        return render(request, "funds/reports/final_accounts.html", context)
