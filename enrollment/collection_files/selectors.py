"""Reads of collection files shared by the pages, the API and the funds app: batches and
their rows, arrears (assessed minus collected), and what the funds app posts per county and
fund."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, QuerySet, Sum
from django.utils.translation import gettext_lazy as _

from enrollment.collection_files.models import CollectionBatch, CollectionRow
from enrollment.contributions.selectors import assessments_for
from pooling.accounts.models import User
from pooling.core.access import scope_queryset


def collection_batches_for(*, user: User) -> QuerySet[CollectionBatch]:
    """Batches are city-wide files: county officers see none (they see their rows' effect in
    the arrears of their county)."""
    return scope_queryset(
        CollectionBatch.objects.select_related("imported_by"), user, county_field=None
    )


def collection_rows_for(*, user: User, batch: CollectionBatch) -> QuerySet[CollectionRow]:
    return scope_queryset(
        batch.rows.select_related("county", "person", "employer"),
        user,
        municipality_field="batch__municipality",
    )


def arrears_for(*, user: User, by: str = "person") -> QuerySet:
    """Assessed minus collected per person or employer: unpaid assessments, summed. An
    assessment is collected when a collection row covered it (it is paid once, fully)."""
    unpaid = assessments_for(user=user).filter(paid=False, total_due__gt=0)
    if by == "employer":
        return (
            unpaid.filter(employer__isnull=False)
            .values("employer", "employer__name", "employer__credit_code", "county__name")
            .annotate(months=Count("month", distinct=True), owed=Sum("total_due"))
            .order_by("-owed", "employer")
        )
    return (
        unpaid.values("person", "person__name", "person__id_number", "county__name")
        .annotate(months=Count("month"), owed=Sum("total_due"))
        .order_by("-owed", "person")
    )


# What the funds app posts ---------------------------------------------------------------------

FUND_PARTS = ("pooled_fund", "maternity", "personal_account", "critical_illness")
FUND_PART_LABELS = {
    "pooled_fund": _("pooled fund"),
    "maternity": _("maternity"),
    "personal_account": _("personal accounts"),
    "critical_illness": _("critical illness"),
    "unallocated": _("unmatched or over-paid"),
}


@dataclass(frozen=True)
class PostingLine:
    county_id: int
    part: str  # one of FUND_PARTS, or "unallocated" for unmatched and over-paid money
    amount: Decimal


def collection_batch_postings(*, batch: CollectionBatch) -> list[PostingLine]:
    """The amounts of a batch per county and fund part, for one ledger entry each.

    Parts are ``pooled_fund`` (310100), ``maternity`` (booked to the employee pooled fund
    where maternity is merged, N 三(二)1), ``personal_account`` (310200, the control account),
    ``critical_illness``, and ``unallocated``: money received but not matched (rows without a
    known county are under ``county_id`` 0 and belong to the city level). The sum of all
    lines equals ``batch.total_amount``.
    """
    sums = {part: Sum(part) for part in FUND_PARTS}
    lines = []
    for row in batch.allocations.values("county_id").annotate(**sums).order_by("county_id"):
        for part in FUND_PARTS:
            if row[part]:
                lines.append(PostingLine(row["county_id"], part, row[part]))
    unallocated = (
        batch.rows.filter(unallocated_amount__gt=0)
        .values("county_id")
        .annotate(total=Sum("unallocated_amount"))
        .order_by("county_id")
    )
    for row in unallocated:
        lines.append(PostingLine(row["county_id"] or 0, "unallocated", row["total"]))
    return lines


def collection_outcome_counts(*, batch: CollectionBatch) -> dict[str, int]:
    return dict(batch.rows.values_list("outcome").annotate(n=Count("pk")).order_by())
