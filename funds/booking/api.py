"""REST API of the fund ledger (issue 3 item 8): read-only, except the contribution
bookings at the end (issue 4 items 7, 8, 10), which call ``funds.collections``; there is no
endpoint for free-form entries. Same capabilities and scoping as the pages; cursor
pagination stays fast at millions of rows."""

from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from enrollment.collection_files import selectors as collection_files_selectors
from enrollment.people import selectors as people_selectors
from funds.booking import services
from funds.booking.serializers import RetireeCreditsInputSerializer, TopUpBookInputSerializer
from funds.ledger.serializers import JournalEntrySerializer
from pooling.core.money import parse_month

# ---------------------------------------------------------------------------------------------
# Contribution bookings (issue 4 items 7, 8, 10): each calls one service of funds.collections.
# ---------------------------------------------------------------------------------------------


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
        batch = get_object_or_404(
            collection_files_selectors.collection_batches_for(user=request.user), pk=pk
        )
        entries = services.collection_batch_post(batch=batch, actor=request.user)
        return Response(
            JournalEntrySerializer(entries, many=True).data, status=status.HTTP_201_CREATED
        )


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
        result = services.retiree_credits_post(
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
        serializer.fields["person"].queryset = people_selectors.people_for(user=request.user)
        serializer.fields["employer"].queryset = people_selectors.employers_for(user=request.user)
        serializer.is_valid(raise_exception=True)
        entries = services.top_up_book(actor=request.user, **serializer.validated_data)
        return Response(
            JournalEntrySerializer(entries, many=True).data, status=status.HTTP_201_CREATED
        )
