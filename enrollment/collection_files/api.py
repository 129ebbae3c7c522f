"""REST API of collection files: the batches, their rows and postings, and the upload of a
tax-bureau file, with the same capabilities and scoping as the pages. Views call the services
directly; a refused write is a 400 with field errors."""

from drf_spectacular.utils import extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from enrollment.collection_files import selectors, serializers, services
from enrollment.collection_files.filters import CollectionRowFilter
from enrollment.people.selectors import enrollment_scopes
from pooling.core.api import plain, scoped_input, user_municipality


class CollectionBatchViewSet(viewsets.ReadOnlyModelViewSet):
    read_capability = "enrollment.view_collections"
    write_capability = "enrollment.import_collections"
    serializer_class = serializers.CollectionBatchSerializer

    def get_queryset(self):
        return selectors.collection_batches_for(user=self.request.user)

    @extend_schema(request=serializers.CollectionUploadSerializer)
    @action(detail=False, methods=["post"], parser_classes=[MultiPartParser, FormParser])
    def upload(self, request):
        """Import a tax-bureau file; the same file twice returns the first batch (200)."""
        data = scoped_input(
            serializers.CollectionUploadSerializer, request, enrollment_scopes(user=request.user)
        )
        result = services.collection_file_import(
            municipality=user_municipality(request.user),
            file_name=data["file"].name,
            content=data["file"].read(),
            actor=request.user,
        )
        return Response(
            self.get_serializer(result.batch).data,
            status=status.HTTP_201_CREATED if result.created else status.HTTP_200_OK,
        )

    @action(detail=True, methods=["get"])
    def rows(self, request, pk=None):
        rows = selectors.collection_rows_for(user=request.user, batch=self.get_object())
        rows = CollectionRowFilter(request.query_params, queryset=rows).qs
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(
            serializers.CollectionRowSerializer(page, many=True).data
        )

    @action(detail=True, methods=["get"])
    def postings(self, request, pk=None):
        lines = selectors.collection_batch_postings(batch=self.get_object())
        return Response([plain(line) for line in lines])
