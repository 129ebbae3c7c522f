"""REST API of the claims, for the institutions' systems and the agency: the national field
names in and out, the same screening and scope as the pages. A refused claim is 400 with the
reasons per field; another county's claim is 404."""

from django.core.exceptions import ValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from enrollment.people.models import InsuredPerson
from pooling.core.api import scoped_input, user_municipality
from settlement.benefits.claims import selectors, services
from settlement.benefits.claims.serializers import (
    ClaimImportSerializer,
    ClaimInputSerializer,
    ClaimRefundSerializer,
    ClaimSerializer,
    ClaimSettleSerializer,
    SettlementResultSerializer,
    StatementsFromClaimsSerializer,
)
from settlement.benefits.claims.services import ClaimInput
from settlement.institutions.selectors import institutions_for


class ClaimViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    read_capability = "settlement.view_claims"
    write_capability = "settlement.enter_claims"
    serializer_class = ClaimSerializer

    def get_queryset(self):
        return selectors.claims_for(user=self.request.user)

    @extend_schema(request=ClaimInputSerializer, responses={201: ClaimSerializer})
    def create(self, request):
        data = dict(
            scoped_input(
                ClaimInputSerializer,
                request,
                {"fixmedins_code": institutions_for(user=request.user)},
            )
        )
        person = InsuredPerson.objects.filter(
            municipality=user_municipality(request.user),
            id_number=data.pop("certno").strip().upper(),
        ).first()
        if person is None:
            raise ValidationError(
                {"certno": ValidationError("No insured person has this ID number.")}
            )
        claim = services.claim_enter(
            claim=ClaimInput(institution=data.pop("fixmedins_code"), person=person, **data),
            actor=request.user,
        )
        return Response(ClaimSerializer(claim).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ClaimImportSerializer, responses={201: dict, 400: dict})
    @action(detail=False, methods=["post"], parser_classes=[MultiPartParser], url_path="import")
    def import_file(self, request):
        data = scoped_input(ClaimImportSerializer, request, {})
        report = services.claims_import(
            municipality=user_municipality(request.user),
            file_name=data["file"].name,
            content=data["file"].read(),
            actor=request.user,
            import_valid_rows=data["import_valid_rows"],
        )
        failed = report.has_errors and not report.imported
        return Response(
            report.as_dict(),
            status=status.HTTP_400_BAD_REQUEST if failed else status.HTTP_201_CREATED,
        )

    @extend_schema(request=ClaimRefundSerializer, responses={201: ClaimSerializer})
    @action(detail=True, methods=["post"])
    def refund(self, request, pk=None):
        claim = self.get_object()
        data = scoped_input(ClaimRefundSerializer, request, {})
        refund = services.claim_refund(claim=claim, actor=request.user, **data)
        return Response(ClaimSerializer(refund).data, status=status.HTTP_201_CREATED)


class ClaimSettleAPIView(APIView):
    """Settle a month's claims (set-based; re-running gives the same figures)."""

    read_capability = "settlement.view_claims"
    write_capability = "settlement.settle_claims"

    @extend_schema(request=ClaimSettleSerializer, responses={200: SettlementResultSerializer})
    def post(self, request):
        data = scoped_input(ClaimSettleSerializer, request, {})
        result = services.claims_settle(
            municipality=user_municipality(request.user), month=data["month"], actor=request.user
        )
        return Response(SettlementResultSerializer(result).data)


class StatementsFromClaimsAPIView(APIView):
    """Compute the institutions' statements of a month from their settled claims."""

    read_capability = "settlement.view_claims"
    write_capability = "settlement.settle_claims"

    @extend_schema(request=ClaimSettleSerializer, responses={200: StatementsFromClaimsSerializer})
    def post(self, request):
        data = scoped_input(ClaimSettleSerializer, request, {})
        result = services.benefit_statements_from_claims(
            municipality=user_municipality(request.user), month=data["month"], actor=request.user
        )
        return Response(StatementsFromClaimsSerializer(result).data)
