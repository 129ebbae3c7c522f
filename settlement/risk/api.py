"""API of the risk early warning: ``GET /api/risk/?fund=310100&month=2026-06[&months=12]
[&county=ID]``: the same series as the dashboard, in the reader's scope. Bad parameters are a
400 naming the field."""

from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from settlement.risk.selectors import filtered_risk_rows
from settlement.risk.serializers import RiskQuerySerializer, RiskRowSerializer


class RiskAPIView(APIView):
    read_capability = "settlement.view_risk"

    @extend_schema(parameters=[RiskQuerySerializer], responses=RiskRowSerializer(many=True))
    def get(self, request):
        query = RiskQuerySerializer(data=request.query_params, context={"request": request})
        query.is_valid(raise_exception=True)
        rows, _thresholds = filtered_risk_rows(user=request.user, data=query.validated_data)
        return Response(RiskRowSerializer(rows, many=True).data)
