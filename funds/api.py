"""Read-only REST API of the fund ledger (issue 3 item 8). There is deliberately no endpoint
that posts: money moves only through the services of ``funds.services`` that later features
call. Same capabilities and scoping as the pages; cursor pagination stays fast at millions
of rows."""

from rest_framework import serializers, viewsets
from rest_framework.pagination import CursorPagination

from funds import selectors
from funds.filters import AccountFilter, EntryFilter, PostingFilter
from funds.models import Account, JournalEntry, Posting


class LedgerCursorPagination(CursorPagination):
    ordering = "-id"
    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 1000


class AccountCursorPagination(LedgerCursorPagination):
    ordering = "id"


class AccountSerializer(serializers.ModelSerializer):
    fund = serializers.CharField(source="fund_type.code", read_only=True)

    class Meta:
        model = Account
        fields = ["id", "fund", "county", "owner", "kind", "name", "allow_negative", "balance"]
        read_only_fields = fields


class PostingSerializer(serializers.ModelSerializer):
    fund = serializers.CharField(source="fund_type.code", read_only=True)
    kind = serializers.CharField(source="entry.kind", read_only=True)

    class Meta:
        model = Posting
        fields = [
            "id",
            "entry",
            "account",
            "fund",
            "kind",
            "month",
            "effective_date",
            "amount",
            "balance_after",
        ]
        read_only_fields = fields


class EntryPostingSerializer(serializers.ModelSerializer):
    class Meta:
        model = Posting
        fields = ["id", "account", "amount", "balance_after"]
        read_only_fields = fields


class JournalEntrySerializer(serializers.ModelSerializer):
    fund = serializers.CharField(source="fund_type.code", read_only=True)
    actor = serializers.CharField(source="actor.username", read_only=True, default=None)
    source_type = serializers.CharField(source="source_type.model", read_only=True, default=None)
    postings = EntryPostingSerializer(many=True, read_only=True)

    class Meta:
        model = JournalEntry
        fields = [
            "id",
            "fund",
            "kind",
            "month",
            "effective_date",
            "memo",
            "actor",
            "idempotency_key",
            "source_type",
            "source_id",
            "source_label",
            "reverses",
            "created_at",
            "postings",
        ]
        read_only_fields = fields


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
