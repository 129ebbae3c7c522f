"""Read-only serializers of the fund ledger's accounts, entries and postings."""

from rest_framework import serializers

from funds.ledger.models import Account, JournalEntry, Posting


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
