"""REST API of the resident fund: subsidies (list, request, receive) and an assisting payer's
payment. Same capabilities and scoping as the pages; refusals are 400 with field errors."""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from funds.residents import selectors, services
from funds.residents.serializers import (
    AssistedCollectSerializer,
    CollectionImportSerializer,
    ResidentSubsidySerializer,
    SubsidyReceiptSerializer,
    SubsidyReceiveSerializer,
    SubsidyRequestSerializer,
)
from pooling.core.api import scoped_input, user_municipality
from pooling.structure.selectors import counties_for

VIEW = "funds.view_resident_fund"
BOOK = "funds.book_resident_fund"


class ResidentSubsidyViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    read_capability = VIEW
    write_capability = BOOK
    serializer_class = ResidentSubsidySerializer

    def get_queryset(self):
        return selectors.resident_subsidies_for(user=self.request.user)

    @extend_schema(
        request=SubsidyRequestSerializer, responses={201: ResidentSubsidySerializer(many=True)}
    )
    @action(detail=False, methods=["post"], url_path="request")
    def request_year(self, request):
        data = scoped_input(SubsidyRequestSerializer, request, {})
        subsidies = services.resident_subsidy_request(
            municipality=user_municipality(request.user), actor=request.user, **data
        )
        return Response(
            ResidentSubsidySerializer(subsidies, many=True).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(request=SubsidyReceiveSerializer, responses={201: SubsidyReceiptSerializer})
    @action(detail=True, methods=["post"])
    def receive(self, request, pk=None):
        subsidy = self.get_object()
        data = scoped_input(SubsidyReceiveSerializer, request, {})
        receipt = services.resident_subsidy_receive(subsidy=subsidy, actor=request.user, **data)
        return Response(SubsidyReceiptSerializer(receipt).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=AssistedCollectSerializer, responses={200: None})
    @action(detail=False, methods=["post"], url_path="assisted-collection")
    def assisted_collection(self, request):
        data = scoped_input(
            AssistedCollectSerializer, request, {"county": counties_for(user=request.user)}
        )
        count, amount = services.resident_assisted_collect(actor=request.user, **data)
        return Response({"paid": count, "amount": str(amount)})


class ResidentCollectionFileViewSet(viewsets.GenericViewSet):
    """POST the tax bureau's file of residents' payments: 200 with the row report when
    booked, 400 with the report when a row has errors (nothing booked unless
    ``import_valid_rows``)."""

    read_capability = VIEW
    write_capability = BOOK
    serializer_class = CollectionImportSerializer

    @extend_schema(request=CollectionImportSerializer, responses={200: None})
    def create(self, request):
        data = scoped_input(CollectionImportSerializer, request, {})
        report = services.resident_collection_import(
            municipality=user_municipality(request.user),
            actor=request.user,
            file_name=data["file"].name,
            content=data["file"].read(),
            received_on=data["received_on"],
            import_valid_rows=data["import_valid_rows"],
        )
        return Response(
            report.as_dict(),
            status=status.HTTP_400_BAD_REQUEST if report.has_errors else status.HTTP_200_OK,
        )
