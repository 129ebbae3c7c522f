"""Pages of the auditors' ledger browser (issue 3 item 7). Read-only and thin: scope with
selectors, page by keyset, export by streaming. Nothing here posts money."""

from django.db.models import Sum
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import ListView
from django_filters.views import FilterView

from funds.ledger import selectors
from funds.ledger.filters import AccountFilter, EntryFilter, StatementFilter
from funds.ledger.models import Account, JournalEntry
from pooling.core.exports import export_kind, export_response
from pooling.core.views import CapabilityRequiredMixin

PAGE_SIZE = 100


def _labels(choices) -> dict[str, str]:
    return {value: str(label) for value, label in choices}


class AccountListView(CapabilityRequiredMixin, FilterView):
    """Accounts with balances, filtered by fund, county, kind and owner."""

    capability = "funds.view_ledger"
    filterset_class = AccountFilter
    template_name = "funds/ledger/account_list.html"
    paginate_by = PAGE_SIZE

    def get_queryset(self):
        return selectors.accounts_for(user=self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["total"] = self.filterset.qs.aggregate(total=Sum("balance"))["total"]
        return context

    def render_to_response(self, context, **kwargs):
        export = export_kind(self.request)
        if export:
            owners, kinds = _labels(Account.Owner.choices), _labels(Account.Kind.choices)
            rows = (
                (pk, code, county or "", owners[owner], kinds[kind], name, balance)
                for pk, code, county, owner, kind, name, balance in self.filterset.qs.order_by("pk")
                .values_list(
                    "pk", "fund_type__code", "county__name", "owner", "kind", "name", "balance"
                )
                .iterator(chunk_size=2000)
            )
            header = [
                _("Account id"),
                _("Fund"),
                _("County"),
                _("Owner"),
                _("Kind"),
                _("Name"),
                _("Balance"),
            ]
            return export_response(
                export=export, header=header, rows=rows, filename="accounts", title=_("Accounts")
            )
        return super().render_to_response(context, **kwargs)


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
            kinds = _labels(JournalEntry.Kind.choices)
            rows = (
                (day, entry_id, kinds[kind], memo, amount, balance)
                for day, entry_id, kind, memo, amount, balance in selectors.statement_postings(
                    account=account, date_from=date_from, date_to=date_to
                )
                .values_list(
                    "effective_date",
                    "entry_id",
                    "entry__kind",
                    "entry__memo",
                    "amount",
                    "balance_after",
                )
                .iterator(chunk_size=2000)
            )
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
                rows=rows,
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
            kinds = _labels(JournalEntry.Kind.choices)
            rows = (
                (
                    pk,
                    day,
                    month.strftime("%Y-%m"),
                    code,
                    kinds[kind],
                    memo,
                    label,
                    actor or "",
                    reverses or "",
                )
                for pk, day, month, code, kind, memo, label, actor, reverses in entries.qs.order_by(
                    "-id"
                )
                .values_list(
                    "pk",
                    "effective_date",
                    "month",
                    "fund_type__code",
                    "kind",
                    "memo",
                    "source_label",
                    "actor__username",
                    "reverses_id",
                )
                .iterator(chunk_size=2000)
            )
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
                export=export, header=header, rows=rows, filename="entries", title=_("Entries")
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
        return render(
            request,
            "funds/ledger/entry_list.html",
            {
                "filter": entries,
                "entries": rows,
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
