"""The final-accounts page: per fund, the standard income and expenditure lines of every
county and the city level for a year or any month range, with the city total and the balance
check; ``?export=xlsx`` downloads the table laid out for auditors. A county officer sees only
their county's column; auditors and city staff the whole city."""

import tempfile

from django.http import FileResponse
from django.shortcuts import render
from django.utils import timezone
from django.views import View

from funds.reports.forms import FinalAccountsFilterForm
from funds.reports.selectors import (
    column_labels,
    filtered_final_accounts,
    final_accounts_workbook,
    table_rows,
)
from pooling.core.exports import XLSX_TYPE
from pooling.core.views import CapabilityRequiredMixin
from pooling.structure.selectors import counties_for

DEFAULT_FUND = "310100"


class FinalAccountsView(CapabilityRequiredMixin, View):
    capability = "funds.view_final_accounts"

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
                return self.workbook_response(accounts)
        context = {"form": form, "accounts": accounts, "query": request.GET.urlencode()}
        if accounts is not None:
            context["labels"] = column_labels(accounts)
            context["rows"] = table_rows(accounts)
        return render(request, "funds/reports/final_accounts.html", context)

    def workbook_response(self, accounts) -> FileResponse:
        """The auditors' workbook as a download, from a temporary file the response closes."""
        handle = tempfile.NamedTemporaryFile(suffix=".xlsx")  # noqa: SIM115 - closed by the response
        final_accounts_workbook(accounts, user=self.request.user).save(handle)
        handle.seek(0)
        name = f"final-accounts-{accounts.fund.code}-{accounts.start:%Y%m}-{accounts.end:%Y%m}"
        return FileResponse(
            handle, as_attachment=True, filename=f"{name}.xlsx", content_type=XLSX_TYPE
        )
