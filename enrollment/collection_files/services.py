"""Writes of collection files (DOMAIN §11): importing the tax bureau's file and matching it
to assessments, and marking a batch posted (with the personal-account credits) when the
funds app has posted it. Each service records an audit event."""

import hashlib
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

from enrollment.collection_files import matching
from enrollment.collection_files.models import (
    COLLECTION_BATCH_WORKFLOW,
    CollectionAllocation,
    CollectionBatch,
    CollectionRow,
)
from enrollment.personal_accounts.models import PersonalAccountMovement
from pooling.accounts.models import User
from pooling.core.audit import audit_record
from pooling.core.db import bulk_work_mem
from pooling.core.imports import (
    UnreadableFile,
    read_table,
    refuse_overflowing_total,
    upload_size_refusal,
)
from pooling.structure.models import Municipality

BATCH_SIZE = 5000  # rows per INSERT of a bulk write

COLLECTION_COLUMNS = {
    "缴费人编码": "payer_code",
    "缴费人识别号": "payer_code",
    "统一社会信用代码/身份证号": "payer_code",
    "费款所属期": "month",
    "所属期": "month",
    "实缴金额": "amount",
    "金额": "amount",
}


@dataclass(frozen=True)
class CollectionImportResult:
    batch: CollectionBatch
    created: bool


@transaction.atomic(durable=True)
def collection_file_import(
    *, municipality: Municipality, file_name: str, content: bytes, actor: User
) -> CollectionImportResult:
    """Import the tax bureau's collection file (columns payer_code, month, amount) and match
    every row to assessments (N 三(二), DOMAIN §11).

    Steps: 1. the same file (by SHA-256) imported again returns the existing batch;
    2. a row that cannot be read refuses the whole file with a row-by-row report
    (``matching.FileRejected``); 3. each row pays a person's assessment of the month (payer
    is a resident ID) or all unpaid assessments of an employer's people for the month (payer
    is a credit code); 4. a row paying exactly what is due is allocated by fund; one paying
    more is allocated and the excess reported as over-paid; one paying less, or matching
    nothing, is reported and kept unallocated. The batch ends ``ready`` for the funds app to
    post.

    At city scale a clean CSV on PostgreSQL is streamed into a staging table with ``COPY``
    and matched set-based (``matching.collection_file_stage`` and
    ``collection_staged_match``); any other file, and a staged file whose outcome depends on
    row order, takes the row-by-row path with exactly the same outcome.
    """
    if (refusal := upload_size_refusal(len(content))) is not None:
        raise ValidationError({"file": refusal})
    digest = hashlib.sha256(content).hexdigest()
    existing = CollectionBatch.objects.filter(municipality=municipality, file_sha256=digest).first()
    if existing is not None:
        return CollectionImportResult(batch=existing, created=False)
    staged = matching.collection_file_stage(
        file_name=file_name, content=content, aliases=COLLECTION_COLUMNS
    )
    parsed = None if staged is not None else _collection_file_parse(file_name, content)
    refuse_overflowing_total(
        matching.collection_staged_total()
        if parsed is None
        else sum((row.amount for row in parsed), Decimal("0.00"))
    )
    batch = CollectionBatch.objects.create(
        municipality=municipality,
        file_name=file_name[:200],
        file_sha256=digest,
        imported_by=actor,
    )
    if staged is not None and not matching.collection_staged_match(
        municipality=municipality, batch=batch
    ):
        parsed = matching.collection_staged_parsed()
    if parsed is not None:
        _collection_rows_write(municipality=municipality, batch=batch, parsed=parsed)
    audit_record(actor=actor, action="collection.import", instance=batch, municipality=municipality)
    return CollectionImportResult(batch=batch, created=True)


def _collection_file_parse(file_name: str, content: bytes) -> list[matching.ParsedCollectionRow]:
    """The rows of the file for the row-by-row path; any unreadable row refuses the file."""
    try:
        table = read_table(file_name=file_name, content=content, aliases=COLLECTION_COLUMNS)
    except UnreadableFile as error:
        raise ValidationError({"file": str(error)}) from error
    parsed, report = matching.collection_rows_parse(table)
    if report.has_errors:
        raise matching.FileRejected(report)
    return parsed


def _collection_rows_write(
    *,
    municipality: Municipality,
    batch: CollectionBatch,
    parsed: list[matching.ParsedCollectionRow],
) -> None:
    """The row-by-row path: match in Python, write rows and allocations in bulk, total the
    batch."""
    rows, allocations = matching.collection_match(
        municipality=municipality, batch=batch, parsed=parsed
    )
    CollectionRow.objects.bulk_create(rows, batch_size=BATCH_SIZE)
    for allocation in allocations:
        allocation.row_id = allocation.row.pk
    CollectionAllocation.objects.bulk_create(allocations, batch_size=BATCH_SIZE)
    batch.row_count = len(rows)
    batch.total_amount = sum((row.amount for row in rows), Decimal("0.00"))
    batch.allocated_amount = sum((row.allocated_amount for row in rows), Decimal("0.00"))
    batch.unallocated_amount = batch.total_amount - batch.allocated_amount
    batch.save(
        update_fields=["row_count", "total_amount", "allocated_amount", "unallocated_amount"]
    )


def collection_batch_mark_posted(*, batch: CollectionBatch, actor: User | None) -> int:
    """Mark a ready batch posted (``COLLECTION_BATCH_WORKFLOW``) and credit the
    personal-account subledger with each allocation's personal-account part (DOMAIN §11).
    Returns the movements added.

    Called by the funds app *inside its own posting transaction*, after it has posted the
    ledger entries of ``collection_batch_postings``, so ledger and subledger commit together.
    A second call for the same batch is refused; the subledger insert is idempotent anyway.
    """
    with transaction.atomic():
        batch = CollectionBatch.objects.get(pk=batch.pk)
        before = COLLECTION_BATCH_WORKFLOW.transition(
            batch,
            "post",
            actor=actor,
            posted_at=timezone.now(),
            posted_by=actor if actor is not None and actor.pk else None,
        )
        bulk_work_mem()
        with connection.cursor() as cursor:
            cursor.execute(
                """
                INSERT INTO enrollment_personalaccountmovement
                    (person_id, county_id, month, amount, reason, collection_batch_id,
                     assessment_id, created_at)
                SELECT person_id, county_id, month, personal_account, %s, batch_id,
                       assessment_id, %s
                FROM enrollment_collectionallocation
                WHERE batch_id = %s AND personal_account > 0
                ON CONFLICT DO NOTHING
                """,
                [PersonalAccountMovement.Reason.CONTRIBUTION, timezone.now(), batch.pk],
            )
            added = cursor.rowcount
        audit_record(
            actor=actor,
            action="collection.post",
            instance=batch,
            before=before,
            municipality=batch.municipality,
        )
    return added
