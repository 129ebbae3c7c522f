"""Writes of enrollment and contributions. Each service owns its transaction and records an
audit event; views, the API, tasks and commands call these and nothing else."""

import hashlib
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from enrollment.collection_files import matching
from enrollment.collection_files.models import CollectionAllocation, CollectionBatch, CollectionRow
from enrollment.people.services import BATCH_SIZE
from enrollment.personal_accounts.models import PersonalAccountMovement
from pooling.accounts.models import User
from pooling.core.audit import audit_record, snapshot
from pooling.core.db import bulk_work_mem
from pooling.core.imports import UnreadableFile, read_table
from pooling.structure.models import Municipality

# Collections (issue item 7) -----------------------------------------------------------------

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


def collection_file_import(
    *, municipality: Municipality, file_name: str, content: bytes, actor: User
) -> CollectionImportResult:
    """Import the tax bureau's collection file (columns payer_code, month, amount) and match
    every row to assessments (N 三(二), DOMAIN §11).

    Steps: 1. the same file (by SHA-256) imported again returns the existing batch;
    2. a row that cannot be read refuses the whole file with a row-by-row report;
    3. each row pays a person's assessment of the month (payer is a resident ID) or all
    unpaid assessments of an employer's people for the month (payer is a credit code);
    4. a row paying exactly what is due is allocated by fund; one paying more is allocated
    and the excess reported as over-paid; one paying less, or matching nothing, is reported
    and kept unallocated. The batch ends ``ready`` for the funds app to post.
    """
    digest = hashlib.sha256(content).hexdigest()
    with transaction.atomic(durable=True):
        existing = CollectionBatch.objects.filter(
            municipality=municipality, file_sha256=digest
        ).first()
        if existing is not None:
            return CollectionImportResult(batch=existing, created=False)
        # City scale (issue 9): on PostgreSQL a clean CSV is COPYed and matched set-based;
        # anything else (errors to report, XLSX, …) takes the row-by-row path below.
        staged = matching.collection_file_stage(
            file_name=file_name, content=content, aliases=COLLECTION_COLUMNS
        )
        if staged is None:
            try:
                table = read_table(file_name=file_name, content=content, aliases=COLLECTION_COLUMNS)
            except UnreadableFile as error:
                raise ValidationError({"file": str(error)}) from error
            parsed, report = matching.collection_rows_parse(table)
            if report.has_errors:
                raise matching.FileRejected(report)
        batch = CollectionBatch.objects.create(
            municipality=municipality,
            file_name=file_name[:200],
            file_sha256=digest,
            imported_by=actor,
        )
        if staged is None or not matching.collection_staged_match(
            municipality=municipality, batch=batch
        ):
            if staged is not None:
                parsed = matching.collection_staged_parsed()
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
                update_fields=[
                    "row_count",
                    "total_amount",
                    "allocated_amount",
                    "unallocated_amount",
                ]
            )
        audit_record(
            actor=actor, action="collection.import", instance=batch, municipality=municipality
        )
    return CollectionImportResult(batch=batch, created=True)


def collection_batch_mark_posted(*, batch: CollectionBatch, actor: User | None) -> int:
    """Mark a ready batch posted and credit the personal-account subledger with each
    allocation's personal-account part (DOMAIN §11). Returns the movements added.

    Called by the funds app *inside its own posting transaction*, after it has posted the
    ledger entries of ``collection_batch_postings``, so ledger and subledger commit together.
    A second call for the same batch is refused; the subledger insert is idempotent anyway.
    """
    with transaction.atomic():
        batch = CollectionBatch.objects.select_for_update().get(pk=batch.pk)
        if batch.status != CollectionBatch.Status.READY:
            raise ValidationError(
                _("This collection batch has already been posted."), code="already_posted"
            )
        before = snapshot(batch)
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
        batch.status = CollectionBatch.Status.POSTED
        batch.posted_at = timezone.now()
        batch.posted_by = actor if actor is not None and actor.pk else None
        batch.save(update_fields=["status", "posted_at", "posted_by"])
        audit_record(
            actor=actor,
            action="collection.post",
            instance=batch,
            before=before,
            municipality=batch.municipality,
        )
    return added
