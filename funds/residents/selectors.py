"""Reads of the resident fund's subsidies: the subsidies and receipts a user may see and the
per-level report (due, received, outstanding per county)."""

from django.db.models import F, QuerySet

from funds.residents.models import ResidentSubsidy, SubsidyReceipt
from pooling.accounts.models import User
from pooling.core.access import scope_queryset


def resident_subsidies_for(*, user: User) -> QuerySet[ResidentSubsidy]:
    """Subsidies with ``outstanding_amount``, by year, county and level."""
    return (
        scope_queryset(ResidentSubsidy.objects.select_related("county"), user)
        .annotate(outstanding_amount=F("due") - F("received"))
        .order_by("-benefit_year", "county__code", "level")
    )


def subsidy_receipts_for(*, user: User) -> QuerySet[SubsidyReceipt]:
    return scope_queryset(
        SubsidyReceipt.objects.select_related("subsidy__county", "entry"),
        user,
        county_field="subsidy__county",
        municipality_field="subsidy__municipality",
    )
