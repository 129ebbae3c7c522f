"""Reads of historical balances and release applications (N 三(四)5), scoped to the user: a
county officer sees their county's, everyone else their city's."""

from django.db.models import QuerySet

from funds.history.models import HistoricalBalance, ReleaseApplication
from pooling.accounts.models import User
from pooling.core.access import scope_queryset


def historical_balances_for(*, user: User) -> QuerySet[HistoricalBalance]:
    """The balances ``user`` may see: a county officer's own county, else the city's."""
    return scope_queryset(
        HistoricalBalance.objects.select_related("county", "fund_type", "account"), user
    )


def release_applications_for(*, user: User) -> QuerySet[ReleaseApplication]:
    """The release applications ``user`` may see, newest first."""
    return scope_queryset(
        ReleaseApplication.objects.select_related(
            "county", "balance__fund_type", "submitted_by", "reviewed_by", "decided_by"
        ),
        user,
    )
