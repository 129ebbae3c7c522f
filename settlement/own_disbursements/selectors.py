"""Reads of a tiered county's own disbursements shared by the pages and the API: the
disbursements a user may read, the counties that may disburse from their own fund, and what
their fiscal special and expenditure accounts hold."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Exists, OuterRef, QuerySet, Subquery

from funds.ledger.models import Account, FundType, JournalEntry, Posting
from funds.ledger.selectors import entries_for
from pooling.accounts.models import User
from pooling.core.money import ZERO
from pooling.structure.models import County, CountyPoolingModel
from pooling.structure.selectors import counties_for
from settlement.own_disbursements.services import KEY_PREFIX, TIERED_MODELS


def own_disbursements_for(
    *, user: User, year: int | None = None, county: County | None = None
) -> QuerySet[JournalEntry]:
    """The own disbursements ``user`` may read (a county officer their county's), newest first,
    each annotated with ``county_id``, ``county_name`` and ``amount`` (what reached the
    expenditure account)."""
    expenditure = Posting.objects.filter(
        entry=OuterRef("pk"), account__kind=Account.Kind.EXPENDITURE, account__county__isnull=False
    )
    queryset = (
        entries_for(user=user)
        .filter(kind=JournalEntry.Kind.DISBURSEMENT, idempotency_key__startswith=KEY_PREFIX)
        .annotate(
            county_id=Subquery(expenditure.values("account__county")[:1]),
            county_name=Subquery(expenditure.values("account__county__name")[:1]),
            amount=Subquery(expenditure.values("amount")[:1]),
        )
        .order_by("-effective_date", "-pk")
    )
    if year is not None:
        queryset = queryset.filter(effective_date__year=year)
    if county is not None:
        queryset = queryset.filter(
            Exists(Posting.objects.filter(entry=OuterRef("pk"), account__county=county))
        )
    return queryset


def tiered_counties_for(*, user: User, on: datetime.date) -> QuerySet[County]:
    """The counties ``user`` may see that are under a tiered model on ``on``: the ones that
    may disburse from their own fund."""
    tiered = CountyPoolingModel.objects.filter(
        county=OuterRef("pk"), model__in=TIERED_MODELS, effective_from__lte=on
    ).exclude(effective_to__lt=on)
    return counties_for(user=user).filter(Exists(tiered)).order_by("code")


@dataclass(frozen=True)
class OwnFundBalance:
    """One county's fund: what its fiscal special and expenditure accounts hold now."""

    county: County
    fund: FundType
    fiscal_special: Decimal
    expenditure: Decimal


def own_fund_balances(*, counties: QuerySet[County]) -> list[OwnFundBalance]:
    """The current balances of ``counties``' fiscal special and expenditure accounts, one row
    per county and fund that holds money in either, by county code and fund code."""
    accounts = Account.objects.filter(
        county__in=counties,
        owner=Account.Owner.COUNTY,
        kind__in=[Account.Kind.FISCAL_SPECIAL, Account.Kind.EXPENDITURE],
    ).select_related("county", "fund_type")
    pairs: dict[tuple[int, int], dict[str, Account]] = {}
    for account in accounts:
        pairs.setdefault((account.county_id, account.fund_type_id), {})[account.kind] = account
    rows = []
    for kinds in pairs.values():
        fiscal = kinds.get(Account.Kind.FISCAL_SPECIAL)
        spending = kinds.get(Account.Kind.EXPENDITURE)
        held = (fiscal.balance if fiscal else ZERO, spending.balance if spending else ZERO)
        if not any(held):
            continue
        some = fiscal or spending
        rows.append(OwnFundBalance(some.county, some.fund_type, *held))
    return sorted(rows, key=lambda row: (row.county.code, row.fund.code))
