"""REST API of the fund ledger (issue 3 item 8): read-only, except the contribution
bookings at the end (issue 4 items 7, 8, 10), which call ``funds.collections``; there is no
endpoint for free-form entries. Same capabilities and scoping as the pages; cursor
pagination stays fast at millions of rows."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.pagination import CursorPagination
from rest_framework.response import Response
from rest_framework.views import APIView

from enrollment import selectors as enrollment_selectors
from enrollment.models import Employer, InsuredPerson
from enrollment.serializers import TopUpInputSerializer
from funds import collections, selectors
from funds.filters import AccountFilter, EntryFilter, PostingFilter
from funds.models import Account, JournalEntry, Posting
from pooling.api import as_api_error
from pooling.money import parse_month


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


# ---------------------------------------------------------------------------------------------
# Contribution bookings (issue 4 items 7, 8, 10): each calls one service of funds.collections.
# ---------------------------------------------------------------------------------------------


def _api_call(service, **kwargs):
    try:
        return service(**kwargs)
    except DjangoValidationError as error:
        raise as_api_error(error) from error


def _user_municipality(user):
    if user.municipality_id is None:
        raise Http404
    return user.municipality


class CollectionBatchPostView(APIView):
    """Post a ready collection batch to the ledger; returns its entries (201). A batch already
    posted is refused (400); a batch outside the user's city is 404."""

    read_capability = "funds.view_collection_postings"
    write_capability = "funds.post_collections"

    @extend_schema(request=None, responses={201: JournalEntrySerializer(many=True)})
    def post(self, request, pk: int):
        batch = get_object_or_404(enrollment_selectors.collection_batches_for(user=request.user),
                                  pk=pk)  # fmt: skip
        entries = _api_call(collections.collection_batch_post, batch=batch, actor=request.user)
        return Response(
            JournalEntrySerializer(entries, many=True).data, status=status.HTTP_201_CREATED
        )


class RetireeCreditsInputSerializer(serializers.Serializer):
    month = serializers.RegexField(r"^\d{4}-\d{2}$", help_text="YYYY-MM")


class RetireeCreditsPostView(APIView):
    """Move a month's retiree personal-account credits from the pooled fund to the personal
    accounts; a second call adds nothing (200 with no entries)."""

    read_capability = "funds.view_collection_postings"
    write_capability = "funds.post_collections"

    @extend_schema(request=RetireeCreditsInputSerializer, responses={200: dict})
    def post(self, request):
        serializer = RetireeCreditsInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            month = parse_month(serializer.validated_data["month"])
        except ValueError as error:
            raise serializers.ValidationError({"month": [str(error)]}) from error
        result = _api_call(
            collections.retiree_credits_post,
            municipality=_user_municipality(request.user),
            month=month,
            actor=request.user,
        )
        return Response(
            {
                "month": month.isoformat(),
                "credited": result.credited,
                "entries": JournalEntrySerializer(result.entries, many=True).data,
            }
        )


class TopUpBookInputSerializer(TopUpInputSerializer):
    person = serializers.PrimaryKeyRelatedField(queryset=InsuredPerson.objects.none())
    employer = serializers.PrimaryKeyRelatedField(
        queryset=Employer.objects.none(), required=False, allow_null=True, default=None
    )


class TopUpBookView(APIView):
    """Book a top-up (N 三(二)3–4) to the pooled fund; the amount is recomputed from the
    calculator's inputs. A person or employer outside the user's scope is an invalid choice."""

    read_capability = "funds.book_top_ups"
    write_capability = "funds.book_top_ups"

    @extend_schema(
        request=TopUpBookInputSerializer, responses={201: JournalEntrySerializer(many=True)}
    )
    def post(self, request):
        serializer = TopUpBookInputSerializer(data=request.data)
        serializer.fields["person"].queryset = enrollment_selectors.people_for(user=request.user)
        serializer.fields["employer"].queryset = enrollment_selectors.employers_for(
            user=request.user
        )
        serializer.is_valid(raise_exception=True)
        entries = _api_call(collections.top_up_book, actor=request.user,
                            **serializer.validated_data)  # fmt: skip
        return Response(
            JournalEntrySerializer(entries, many=True).data, status=status.HTTP_201_CREATED
        )
