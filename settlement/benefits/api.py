"""REST API of the benefit settlements: same capabilities and scoping as the pages. An
institution outside the user's scope is an invalid choice (400); another county's statement
is 404; a refused write is 400 with field errors."""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from pooling.core.api import scoped_input, user_municipality
from pooling.core.imports import ImportReport
from settlement.benefits import selectors, services
from settlement.benefits.models import BENEFIT_WORKFLOW
from settlement.benefits.serializers import (
    BenefitImportSerializer,
    BenefitReviewSerializer,
    BenefitStatementInputSerializer,
    BenefitStatementSerializer,
    BenefitUseQuerySerializer,
    BenefitUseRowSerializer,
)
from settlement.institutions.selectors import institutions_for


def _import_upload(request, service):
    """Run an import ``service`` on the uploaded ``file`` for the user's municipality."""
    upload = scoped_input(BenefitImportSerializer, request, {})["file"]
    return service(
        municipality=user_municipality(request.user),
        file_name=upload.name,
        content=upload.read(),
        actor=request.user,
    )


def _import_status(report: ImportReport) -> int:
    """201 when the file was imported, 400 with the row errors when nothing was."""
    return status.HTTP_400_BAD_REQUEST if report.has_errors else status.HTTP_201_CREATED


class BenefitStatementViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    read_capability = "settlement.view_benefits"
    serializer_class = BenefitStatementSerializer

    @property
    def write_capability(self) -> str:
        """Entering and importing need ``enter_benefits``; ``review`` and ``pay`` the
        capability of their workflow step."""
        if self.action in BENEFIT_WORKFLOW.transitions:
            return BENEFIT_WORKFLOW[self.action].capability
        return "settlement.enter_benefits"

    def get_queryset(self):
        return selectors.benefit_statements_for(user=self.request.user)

    @extend_schema(
        request=BenefitStatementInputSerializer, responses={201: BenefitStatementSerializer}
    )
    def create(self, request):
        data = scoped_input(
            BenefitStatementInputSerializer,
            request,
            {"institution": institutions_for(user=request.user)},
        )
        statement = services.benefit_statement_enter(actor=request.user, **data)
        return Response(BenefitStatementSerializer(statement).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=BenefitImportSerializer, responses={201: dict, 400: dict})
    @action(detail=False, methods=["post"], parser_classes=[MultiPartParser], url_path="import")
    def import_file(self, request):
        report = _import_upload(request, services.benefit_statements_import)
        return Response(report.as_dict(), status=_import_status(report))

    @extend_schema(request=BenefitReviewSerializer, responses={200: BenefitStatementSerializer})
    @action(detail=True, methods=["post"])
    def review(self, request, pk=None):
        statement = self.get_object()
        data = scoped_input(BenefitReviewSerializer, request, {})
        statement = services.benefit_statement_review(
            statement=statement, actor=request.user, **data
        )
        return Response(BenefitStatementSerializer(statement).data)

    @extend_schema(request=None, responses={200: BenefitStatementSerializer})
    @action(detail=True, methods=["post"])
    def pay(self, request, pk=None):
        statement = self.get_object()
        services.benefit_statement_pay(statement=statement, actor=request.user)
        statement.refresh_from_db()
        return Response(BenefitStatementSerializer(statement).data)


class PharmacySpendingImportView(APIView):
    """Import personal-account spending at pharmacies: 201 with the report and the ledger
    entries, or 400 with the row errors (nothing imported)."""

    read_capability = "settlement.view_benefits"
    write_capability = "settlement.pay_benefits"
    parser_classes = [MultiPartParser]

    @extend_schema(request=BenefitImportSerializer, responses={201: dict, 400: dict})
    def post(self, request):
        result = _import_upload(request, services.pharmacy_spending_import)
        return Response(
            {**result.report.as_dict(), "entries": [entry.pk for entry in result.entries]},
            status=_import_status(result.report),
        )


class BenefitPlanUseAPIView(APIView):
    read_capability = "settlement.view_plans"

    @extend_schema(
        parameters=[BenefitUseQuerySerializer], responses=BenefitUseRowSerializer(many=True)
    )
    def get(self, request):
        query = BenefitUseQuerySerializer(data=request.query_params, context={"request": request})
        query.is_valid(raise_exception=True)
        rows, _totals = selectors.benefit_plan_use_for(
            user=request.user,
            year=query.validated_data["year"],
            county=query.validated_data.get("county"),
        )
        return Response(BenefitUseRowSerializer(rows, many=True).data)
