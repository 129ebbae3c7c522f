"""REST API of a tiered county's own disbursement: ``GET`` lists the disbursements the user
may read (``?year=``, ``?county=``), ``POST`` posts one through
``own_disbursement_post``. Same capabilities and county scoping as the pages:
another county's id reads as no such county (400), a refusal is a 400 with field errors,
auditors get 403 on ``POST``."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from settlement.own_disbursements import selectors, services
from settlement.own_disbursements.serializers import (
    OwnDisbursementInputSerializer,
    OwnDisbursementQuerySerializer,
    OwnDisbursementSerializer,
)


class OwnDisbursementAPIView(APIView):
    """A tiered county's disbursements from its fiscal special to its expenditure account."""

    read_capability = "settlement.view_own_disbursements"
    write_capability = "settlement.post_own_disbursement"

    @extend_schema(
        parameters=[OpenApiParameter("year", int), OpenApiParameter("county", int)],
        responses=OwnDisbursementSerializer(many=True),
    )
    def get(self, request):
        query = OwnDisbursementQuerySerializer(
            data=request.query_params, context={"request": request}
        )
        query.is_valid(raise_exception=True)
        entries = selectors.own_disbursements_for(user=request.user, **query.validated_data)
        return Response(
            OwnDisbursementSerializer(entries.select_related("fund_type"), many=True).data
        )

    @extend_schema(request=OwnDisbursementInputSerializer, responses=OwnDisbursementSerializer)
    def post(self, request):
        data = OwnDisbursementInputSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        entry = services.own_disbursement_post(actor=request.user, **data.validated_data)
        row = selectors.own_disbursements_for(user=request.user).get(pk=entry.pk)
        return Response(OwnDisbursementSerializer(row).data, status=status.HTTP_201_CREATED)
