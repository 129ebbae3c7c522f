"""Reads of fund budgets and expenditure quotas (N 三(四)1 and 3): each user's budgets and
quotas, a budget's lines and totals, and what a county's quota has been spent on."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet, Sum

from funds.budgets.models import INCOME_LINES, BudgetLine, ExpenditureQuota, FundBudget
from funds.ledger.models import Account, FundType, JournalEntry, Posting
from pooling.accounts.models import Role, User
from pooling.core.access import scope_queryset
from pooling.core.money import ZERO
from pooling.structure.models import County


def budgets_for(*, user: User) -> QuerySet[FundBudget]:
    """Budgets of the user's municipality (county officers read them too)."""
    queryset = FundBudget.objects.select_related("fund_type").prefetch_related("lines")
    if getattr(user, "role", None) == Role.COUNTY_OFFICER:
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


@dataclass(frozen=True)
class BudgetSummary:
    """A budget's lines grouped into income and expenditure with their totals, and the
    county quotas split from it that the reader may see."""

    income: list[BudgetLine]
    expenditure: list[BudgetLine]
    income_total: Decimal
    expenditure_total: Decimal
    quotas: list[ExpenditureQuota]
    quota_total: Decimal


def budget_summary(*, budget: FundBudget, user: User) -> BudgetSummary:
    """What the budget page shows of ``budget`` to ``user`` (a county officer: their quota)."""
    lines = list(budget.lines.all())
    income = [line for line in lines if line.code in INCOME_LINES]
    expenditure = [line for line in lines if line.code not in INCOME_LINES]
    quotas = list(
        quotas_for(user=user).filter(
            municipality=budget.municipality, year=budget.year, fund_type=budget.fund_type
        )
    )
    return BudgetSummary(
        income=income,
        expenditure=expenditure,
        income_total=sum((line.amount for line in income), ZERO),
        expenditure_total=budget_expenditure_total(budget=budget),
        quotas=quotas,
        quota_total=sum((quota.amount for quota in quotas), ZERO),
    )


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
