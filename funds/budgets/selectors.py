"""Annual fund budgets, county budgets and expenditure quotas (N 三(四)1 and 3; issue 6 item 1).

The city agency drafts a fund's annual budget with the standard lines (DOMAIN §11), splits its
expenditure into county quotas and submits it; the bureau approves it (never the person who
submitted it). At year close the unused part of a county's quota is carried into next year's
quota when the ``quota_carry_forward`` rule in force on the year's last day says so.
"""

from decimal import Decimal

from django.db.models import QuerySet, Sum

from funds.budgets.models import INCOME_LINES, ExpenditureQuota, FundBudget
from funds.ledger.models import Account, FundType, JournalEntry, Posting
from pooling.accounts.models import User
from pooling.core.access import scope_queryset
from pooling.core.money import ZERO
from pooling.structure.models import County

# ---------------------------------------------------------------------------------------------
# Reads
# ---------------------------------------------------------------------------------------------


def budgets_for(*, user: User) -> QuerySet[FundBudget]:
    """Budgets of the user's municipality (county officers read them too)."""
    queryset = FundBudget.objects.select_related("fund_type").prefetch_related("lines")
    if getattr(user, "role", None) == "county_officer":
        return queryset.filter(municipality=user.county.municipality_id)
    return scope_queryset(queryset, user, county_field=None)


def quotas_for(*, user: User) -> QuerySet[ExpenditureQuota]:
    """Quotas the user may read: a county officer only their county's."""
    return scope_queryset(ExpenditureQuota.objects.select_related("county", "fund_type"), user)


def quota_for(*, county: County, year: int, fund_type: FundType) -> ExpenditureQuota | None:
    return ExpenditureQuota.objects.filter(county=county, year=year, fund_type=fund_type).first()


def budget_expenditure_total(*, budget: FundBudget) -> Decimal:
    """The sum of the budget's expenditure lines."""
    return sum((line.amount for line in budget.lines.all() if line.code not in INCOME_LINES), ZERO)


def allocated_in_year(*, county: County, year: int, fund_type: FundType) -> Decimal:
    """What the city allocated into the county's expenditure account of ``fund_type`` in
    ``year`` (the spending counted against its quota)."""
    total = Posting.objects.filter(
        account__county=county,
        account__owner=Account.Owner.COUNTY,
        account__kind=Account.Kind.EXPENDITURE,
        fund_type=fund_type,
        entry__kind=JournalEntry.Kind.ALLOCATION,
        month__year=year,
    ).aggregate(total=Sum("amount"))["total"]
    return total or ZERO
