"""REST API of the contribution bookings (``funds.booking.services``): post a collection
batch, post the retirees' monthly personal-account credits, book a top-up. Same capabilities
and scoping as the pages; there is no endpoint for free-form entries."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from enrollment.collection_files.selectors import collection_batches_for
from enrollment.people.selectors import employers_for, people_for
from funds.booking import services
from funds.booking.serializers import RetireeCreditsInputSerializer, TopUpBookInputSerializer
from funds.ledger.serializers import JournalEntrySerializer
from pooling.core.api import scoped_input, user_municipality


class CollectionBatchPostView(APIView):
    """Post a ready collection batch to the ledger; returns its entries (201). A batch already
    posted is refused (400); a batch outside the user's city is 404."""

    read_capability = "funds.view_collection_postings"
    write_capability = "funds.post_collections"

    @extend_schema(request=None, responses={201: JournalEntrySerializer(many=True)})
    def post(self, request, pk: int):
        batch = get_object_or_404(collection_batches_for(user=request.user), pk=pk)
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
        month = scoped_input(RetireeCreditsInputSerializer, request, {})["month"]
        result = services.retiree_credits_post(
            municipality=user_municipality(request.user), month=month, actor=request.user
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
        data = scoped_input(
            TopUpBookInputSerializer,
            request,
            {"person": people_for(user=request.user), "employer": employers_for(user=request.user)},
        )
        entries = services.top_up_book(actor=request.user, **data)
        return Response(
            JournalEntrySerializer(entries, many=True).data, status=status.HTTP_201_CREATED
        )
