"""API of the fund catalogue: ``GET /api/fund-catalogue/`` — the user's city's funds with
their contribution rules, sources and values in force today."""

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from funds.catalogue.selectors import fund_catalogue_for
from funds.catalogue.serializers import CatalogueFundSerializer


class FundCatalogueAPIView(APIView):
    read_capability = "funds.view_ledger"

    @extend_schema(responses=CatalogueFundSerializer(many=True))
    def get(self, request):
        funds = fund_catalogue_for(user=request.user, on=timezone.localdate())
        return Response(CatalogueFundSerializer(funds, many=True).data)
