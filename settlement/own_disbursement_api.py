"""REST API of a tiered county's own disbursement: ``GET`` lists the disbursements the user
may read (``?year=``, ``?county=``), ``POST`` posts one through
``own_disbursement.own_disbursement_post``. Same capabilities and county scoping as the pages:
another county's id reads as no such county (400), a refusal is a 400 with field errors,
auditors get 403 on ``POST``."""

from decimal import Decimal

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from pooling.api import as_api_error
from pooling.serializers import ScopedCountyField
from settlement import own_disbursement

MONEY = {"max_digits": 18, "decimal_places": 2}


class OwnDisbursementSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    county = serializers.IntegerField(source="county_id")
    county_name = serializers.CharField()
    fund_code = serializers.CharField(source="fund_type.code")
    amount = serializers.DecimalField(**MONEY)
    month = serializers.DateField()
    effective_date = serializers.DateField()
    memo = serializers.CharField()
    idempotency_key = serializers.CharField()
    created_at = serializers.DateTimeField()


class OwnDisbursementInputSerializer(serializers.Serializer):
    county = ScopedCountyField()
    fund_code = serializers.CharField(max_length=6, default="310100")
    amount = serializers.DecimalField(min_value=Decimal("0.01"), **MONEY)
    on = serializers.DateField()
    memo = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    request_key = serializers.CharField(max_length=100)


class OwnDisbursementQuerySerializer(serializers.Serializer):
    year = serializers.IntegerField(min_value=2000, max_value=2100, required=False)
    county = ScopedCountyField(required=False)


class OwnDisbursementAPIView(APIView):
    """A tiered county's disbursements from its fiscal special to its expenditure account."""

    read_capability = "settlement.view_own_disbursements"
    write_capability = "settlement.post_own_disbursement"

    @extend_schema(
        parameters=[OpenApiParameter("year", int), OpenApiParameter("county", int)],
        responses=OwnDisbursementSerializer(many=True),
    )
    def get(self, request):
        query = OwnDisbursementQuerySerializer(data=request.query_params,
                                               context={"request": request})  # fmt: skip
        query.is_valid(raise_exception=True)
        entries = own_disbursement.own_disbursements_for(user=request.user, **query.validated_data)
        return Response(
            OwnDisbursementSerializer(entries.select_related("fund_type"), many=True).data
        )

    @extend_schema(request=OwnDisbursementInputSerializer, responses=OwnDisbursementSerializer)
    def post(self, request):
        data = OwnDisbursementInputSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        try:
            entry = own_disbursement.own_disbursement_post(actor=request.user,
                                                           **data.validated_data)  # fmt: skip
        except DjangoValidationError as error:
            raise as_api_error(error) from error
        row = own_disbursement.own_disbursements_for(user=request.user).get(pk=entry.pk)
        return Response(OwnDisbursementSerializer(row).data, status=status.HTTP_201_CREATED)
