"""Reads of the contribution bookings: which collection batches wait to be posted, and the
latest posted ones with the ledger entries they produced."""

from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db.models import QuerySet

from enrollment.collection_files.models import CollectionBatch
from enrollment.collection_files.selectors import collection_batches_for
from funds.ledger.models import JournalEntry
from pooling.accounts.models import User
from pooling.structure.models import Municipality

RECENT_POSTED = 20


def collection_batches_ready(*, municipality: Municipality) -> QuerySet[CollectionBatch]:
    """The batches of ``municipality`` waiting to be posted, oldest first."""
    return CollectionBatch.objects.filter(
        municipality=municipality, status=CollectionBatch.Status.READY
    ).order_by("imported_at", "pk")


@dataclass(frozen=True)
class PostedBatch:
    batch: CollectionBatch
    entries: list[JournalEntry]


@dataclass(frozen=True)
class CollectionPostings:
    """The batches ``user`` may see that wait to be posted, oldest first, and the latest
    ``RECENT_POSTED`` posted ones, newest first, each with its ledger entries."""

    ready: list[CollectionBatch]
    posted: list[PostedBatch]


def collection_postings_for(*, user: User) -> CollectionPostings:
    batches = collection_batches_for(user=user)
    ready = list(batches.filter(status=CollectionBatch.Status.READY).order_by("imported_at"))
    posted = list(
        batches.filter(status=CollectionBatch.Status.POSTED).order_by("-posted_at")[:RECENT_POSTED]
    )
    entries: dict[str, list[JournalEntry]] = {}
    if posted:
        for entry in (
            JournalEntry.objects.filter(
                source_type=ContentType.objects.get_for_model(CollectionBatch),
                source_id__in=[str(batch.pk) for batch in posted],
            )
            .select_related("fund_type")
            .order_by("pk")
        ):
            entries.setdefault(entry.source_id, []).append(entry)
    return CollectionPostings(
        ready=ready,
        posted=[PostedBatch(batch, entries.get(str(batch.pk), [])) for batch in posted],
    )
