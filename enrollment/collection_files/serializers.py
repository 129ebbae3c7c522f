"""API serializers of collection batches, their rows and the upload."""

from rest_framework import serializers

from enrollment.collection_files.models import CollectionBatch, CollectionRow
from pooling.core.serializers import UploadFileField


class CollectionBatchSerializer(serializers.ModelSerializer):
    class Meta:
        model = CollectionBatch
        fields = [
            "id",
            "file_name",
            "file_sha256",
            "status",
            "row_count",
            "total_amount",
            "allocated_amount",
            "unallocated_amount",
            "imported_at",
            "posted_at",
        ]


class CollectionRowSerializer(serializers.ModelSerializer):
    class Meta:
        model = CollectionRow
        fields = [
            "id",
            "row_number",
            "payer_code",
            "month",
            "amount",
            "outcome",
            "reason",
            "county",
            "employer",
            "person",
            "allocated_amount",
            "unallocated_amount",
        ]


class CollectionUploadSerializer(serializers.Serializer):
    file = UploadFileField()
