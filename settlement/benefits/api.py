"""REST API of the benefit settlements: same capabilities and scoping as the pages. An
institution outside the user's scope is an invalid choice (400); another county's statement
is 404; a refused write is 400 with field errors."""

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from pooling.core.access import has_capability
from pooling.structure.selectors import counties_for
from settlement.benefits import selectors, services
from settlement.benefits.selectors import benefit_plan_use_for_year
from settlement.benefits.serializers import (
    BenefitImportSerializer,
    BenefitReviewSerializer,
    BenefitStatementInputSerializer,
    BenefitStatementSerializer,
    BenefitUseQuerySerializer,
    BenefitUseRowSerializer,
)
from settlement.institutions.selectors import institutions_for


class BenefitStatementViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    read_capability = "funds.view_benefits"
    write_capability = "funds.enter_benefits"
    serializer_class = BenefitStatementSerializer

    def get_queryset(self):
        return selectors.benefit_statements_for(user=self.request.user)

    def _require(self, capability: str) -> None:
        if not has_capability(self.request.user, capability):
            raise PermissionDenied

    @extend_schema(
        request=BenefitStatementInputSerializer, responses={201: BenefitStatementSerializer}
    )
    def create(self, request):
        serializer = BenefitStatementInputSerializer(data=request.data)
        serializer.fields["institution"].queryset = institutions_for(user=request.user)
        serializer.is_valid(raise_exception=True)
        statement = services.benefit_statement_enter(
            actor=request.user, **serializer.validated_data
        )
        return Response(BenefitStatementSerializer(statement).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=BenefitImportSerializer, responses={201: dict, 400: dict})
    @action(detail=False, methods=["post"], parser_classes=[MultiPartParser], url_path="import")
    def import_file(self, request):
        serializer = BenefitImportSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        if request.user.municipality_id is None:
            raise Http404
        upload = serializer.validated_data["file"]
        report = services.benefit_statements_import(
            municipality=request.user.municipality,
            file_name=upload.name,
            content=upload.read(),
            actor=request.user,
        )
        return Response(
            report.as_dict(),
            status=status.HTTP_400_BAD_REQUEST if report.has_errors else status.HTTP_201_CREATED,
        )

    @extend_schema(request=BenefitReviewSerializer, responses={200: BenefitStatementSerializer})
    @action(detail=True, methods=["post"])
    def review(self, request, pk=None):
        self._require("funds.review_benefits")
        statement = self.get_object()
        serializer = BenefitReviewSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        statement = services.benefit_statement_review(
            statement=statement, actor=request.user, **serializer.validated_data
        )
        return Response(BenefitStatementSerializer(statement).data)

    @extend_schema(request=None, responses={200: BenefitStatementSerializer})
    @action(detail=True, methods=["post"])
    def pay(self, request, pk=None):
        self._require("funds.pay_benefits")
        statement = self.get_object()
        services.benefit_statement_pay(statement=statement, actor=request.user)
        statement.refresh_from_db()
        return Response(BenefitStatementSerializer(statement).data)


class PharmacySpendingImportView(APIView):
    """Import personal-account spending at pharmacies: 201 with the report and the ledger
    entries, or 400 with the row errors (nothing imported)."""

    read_capability = "funds.view_benefits"
    write_capability = "funds.pay_benefits"
    parser_classes = [MultiPartParser]

    @extend_schema(request=BenefitImportSerializer, responses={201: dict, 400: dict})
    def post(self, request):
        serializer = BenefitImportSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        if request.user.municipality_id is None:
            raise Http404
        upload = serializer.validated_data["file"]
        result = services.pharmacy_spending_import(
            municipality=request.user.municipality,
            file_name=upload.name,
            content=upload.read(),
            actor=request.user,
        )
        return Response(
            {**result.report.as_dict(), "entries": [entry.pk for entry in result.entries]},
            status=(
                status.HTTP_400_BAD_REQUEST if result.report.has_errors else status.HTTP_201_CREATED
            ),
        )


class BenefitPlanUseAPIView(APIView):
    read_capability = "settlement.view_plans"

    @extend_schema(
        parameters=[BenefitUseQuerySerializer], responses=BenefitUseRowSerializer(many=True)
    )
    def get(self, request):
        query = BenefitUseQuerySerializer(data=request.query_params, context={"request": request})
        query.is_valid(raise_exception=True)
        county = query.validated_data.get("county")
        counties = [county] if county else list(counties_for(user=request.user))
        rows, _totals = benefit_plan_use_for_year(
            counties=counties, year=query.validated_data["year"]
        )
        return Response(BenefitUseRowSerializer(rows, many=True).data)
