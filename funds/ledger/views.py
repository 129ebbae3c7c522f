"""Pages of the auditors' ledger browser: accounts, statements, entries and the nightly checks.
Read-only and thin: scope with selectors, page by keyset, export by streaming. Nothing here
posts money."""

from django.db.models import Sum
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import ListView
from django_filters.views import FilterView

from funds.ledger import selectors
from funds.ledger.filters import AccountFilter, EntryFilter, StatementFilter
from funds.ledger.models import JournalEntry
from pooling.core.exports import ListExportMixin, export_kind, export_response
from pooling.core.views import CapabilityRequiredMixin, SortableListMixin

PAGE_SIZE = 100


class AccountListView(CapabilityRequiredMixin, SortableListMixin, ListExportMixin, FilterView):
    """Accounts with balances, filtered by fund, county, kind and owner."""

    capability = "funds.view_ledger"
    filterset_class = AccountFilter
    template_name = "funds/ledger/account_list.html"
    paginate_by = PAGE_SIZE
    export_columns = (
        (gettext_lazy("Account id"), "id"),
        (gettext_lazy("Fund"), "fund_type__code"),
        (gettext_lazy("County"), "county__name"),
        (gettext_lazy("Owner"), "owner"),
        (gettext_lazy("Kind"), "kind"),
        (gettext_lazy("Name"), "name"),
        (gettext_lazy("Balance"), "balance"),
    )
    export_filename = "accounts"
    sort_fields = {
        "fund": "fund_type__code",
        "county": "county__code",
        "owner": "owner",
        "kind": "kind",
        "name": "name",
        "balance": "balance",
    }
    export_title = gettext_lazy("Accounts")

    def get_queryset(self):
        return selectors.accounts_for(user=self.request.user)

    def export_queryset(self):
        return self.filterset.qs.order_by("pk")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["total"] = self.filterset.qs.aggregate(total=Sum("balance"))["total"]
        return context


class AccountStatementView(CapabilityRequiredMixin, View):
    """An account's statement (明细账): postings oldest first with the balance after each,
    within a date range, one keyset page at a time."""

    capability = "funds.view_ledger"

    def get(self, request, pk: int):
        account = get_object_or_404(selectors.accounts_for(user=request.user), pk=pk)
        dates = StatementFilter(request.GET)
        dates.is_valid()
        date_from = dates.form.cleaned_data.get("date_from")
        date_to = dates.form.cleaned_data.get("date_to")
        export = export_kind(request)
        if export:
            header = [
                _("Effective date"),
                _("Entry"),
                _("Kind"),
                _("Memo"),
                _("Amount"),
                _("Balance after"),
            ]
            return export_response(
                export=export,
                header=header,
                rows=selectors.statement_export_rows(
                    account=account, date_from=date_from, date_to=date_to
                ),
                filename=f"statement-{account.pk}",
                title=_("Statement"),
            )
        page = selectors.account_statement(
            account=account,
            date_from=date_from,
            date_to=date_to,
            cursor=request.GET.get("after"),
            limit=PAGE_SIZE,
        )
        query = request.GET.copy()
        query.pop("after", None)
        return render(
            request,
            "funds/ledger/account_statement.html",
            {
                "account": account,
                "filter": dates,
                "page": page,
                "query": query.urlencode(),
                "first_page": not request.GET.get("after"),
            },
        )


class EntryListView(CapabilityRequiredMixin, View):
    """Journal entries (凭证), newest first, filtered, paged by keyset."""

    capability = "funds.view_ledger"

    def get(self, request):
        entries = EntryFilter(
            request.GET, queryset=selectors.entries_for(user=request.user), request=request
        )
        export = export_kind(request)
        if export:
            header = [
                _("Entry"),
                _("Effective date"),
                _("Month"),
                _("Fund"),
                _("Kind"),
                _("Memo"),
                _("Source"),
                _("Actor"),
                _("Reverses"),
            ]
            return export_response(
                export=export,
                header=header,
                rows=selectors.entry_export_rows(entries.qs),
                filename="entries",
                title=_("Entries"),
            )
        try:
            before = int(request.GET.get("before", "") or 0) or None
        except ValueError:
            before = None
        rows, next_before = selectors.entries_page(
            queryset=entries.qs, before=before, limit=PAGE_SIZE
        )
        query = request.GET.copy()
        query.pop("before", None)
        amounts = selectors.entry_amounts(rows)
        return render(
            request,
            "funds/ledger/entry_list.html",
            {
                "filter": entries,
                "entries": [(entry, amounts.get(entry.pk)) for entry in rows],
                "next_before": next_before,
                "query": query.urlencode(),
                "first_page": before is None,
            },
        )


class EntryDetailView(CapabilityRequiredMixin, View):
    """An entry with its postings, source document, actor and reversal links."""

    capability = "funds.view_ledger"

    def get(self, request, pk: int):
        entry = get_object_or_404(
            selectors.entries_for(user=request.user).select_related(
                "municipality", "reverses", "source_type"
            ),
            pk=pk,
        )
        reversal = JournalEntry.objects.filter(reverses=entry).first()
        return render(
            request,
            "funds/ledger/entry_detail.html",
            {
                "entry": entry,
                "postings": entry.postings.select_related("account", "account__county").order_by(
                    "pk"
                ),
                "source": entry.source if entry.source_type_id else None,
                "reversal": reversal,
            },
        )


class LedgerCheckListView(CapabilityRequiredMixin, ListView):
    """Results of the nightly ledger verification."""

    capability = "funds.view_ledger_checks"
    template_name = "funds/ledger/check_list.html"
    paginate_by = 50

    def get_queryset(self):
        return selectors.ledger_checks()
