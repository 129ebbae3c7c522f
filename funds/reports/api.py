"""API of the final accounts: ``GET /api/final-accounts/?year=2026&fund=310100
[&month_from=1&month_to=12&county=ID]``. Same scope and layout as the page; bad parameters
are a 400 naming the field (another county's id is "no such county")."""

from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from funds.reports.selectors import filtered_final_accounts
from funds.reports.serializers import FinalAccountsQuerySerializer, FinalAccountsSerializer


class FinalAccountsAPIView(APIView):
    read_capability = "funds.view_final_accounts"

    @extend_schema(parameters=[FinalAccountsQuerySerializer], responses=FinalAccountsSerializer)
    def get(self, request):
        query = FinalAccountsQuerySerializer(
            data=request.query_params, context={"request": request}
        )
        query.is_valid(raise_exception=True)
        accounts = filtered_final_accounts(user=request.user, data=query.validated_data)
        return Response(FinalAccountsSerializer(accounts).data)
