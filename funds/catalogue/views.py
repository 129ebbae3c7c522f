"""The fund catalogue page: the funds the user's city pools, each with its contribution rules,
their sources (a clause, a national rule or "demo default") and values in force today."""

from django.shortcuts import render
from django.utils import timezone
from django.views import View

from funds.catalogue.selectors import fund_catalogue_for
from pooling.core.views import CapabilityRequiredMixin


class FundCatalogueView(CapabilityRequiredMixin, View):
    capability = "funds.view_ledger"

    def get(self, request):
        today = timezone.localdate()
        funds = fund_catalogue_for(user=request.user, on=today)
        return render(request, "funds/catalogue/fund_catalogue.html", {"funds": funds, "on": today})
