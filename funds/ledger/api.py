"""REST API of the fund ledger: accounts, entries and postings, read-only (money moves only
through the bookings of ``funds.booking`` and the other services; there is no endpoint for
free-form entries). Same capabilities and scoping as the pages; cursor pagination stays fast
at millions of rows."""

from rest_framework import viewsets
from rest_framework.pagination import CursorPagination

from funds.ledger import selectors
from funds.ledger.filters import AccountFilter, EntryFilter, PostingFilter
from funds.ledger.serializers import AccountSerializer, JournalEntrySerializer, PostingSerializer


class LedgerCursorPagination(CursorPagination):
    ordering = "-id"
    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 1000


class AccountCursorPagination(LedgerCursorPagination):
    ordering = "id"


class AccountViewSet(viewsets.ReadOnlyModelViewSet):
    read_capability = "funds.view_ledger"
    serializer_class = AccountSerializer
    filterset_class = AccountFilter
    pagination_class = AccountCursorPagination
    ordering_fields: list[str] = []

    def get_queryset(self):
        return selectors.accounts_for(user=self.request.user)


class JournalEntryViewSet(viewsets.ReadOnlyModelViewSet):
    read_capability = "funds.view_ledger"
    serializer_class = JournalEntrySerializer
    filterset_class = EntryFilter
    pagination_class = LedgerCursorPagination
    ordering_fields: list[str] = []

    def get_queryset(self):
        return selectors.entries_for(user=self.request.user).prefetch_related("postings")


class PostingViewSet(viewsets.ReadOnlyModelViewSet):
    read_capability = "funds.view_ledger"
    serializer_class = PostingSerializer
    filterset_class = PostingFilter
    pagination_class = LedgerCursorPagination
    ordering_fields: list[str] = []

    def get_queryset(self):
        return selectors.postings_for(user=self.request.user)
