"""The reads of the year end: the deficit-subsidy applications and how a deficit is split
(N 三(四)6, J 二(五)2), and what the adjustment fund's year end works from (Z 四(九)): the tiers
under the model, their contribution bases, the county finance share and the rules the page's
formula shows. ``settlement.yearend.services`` describes both mechanisms in full.

The split of a subsidised deficit, in fen, half-up (``split_deficit``)::

    from_history = min(deficit, frozen 70 % left)
    pre_rest     = max(before_accession − from_history, 0)      # county government alone
    shared       = deficit − from_history − pre_rest
    city_share   = round_half_up(shared × deficit_city_share)
    county_share = deficit − from_history − city_share

County finance's share of a gap the adjustment fund could not close (``county_share_for``)::

    s = m + (x − m) × (1 − c)      rounded half-up to four places

where c is the tier's target completion (``settlement.targets``), m the rule
``adjustment_county_share_met`` and x the rule ``adjustment_county_share_missed``; a county
without targets for the year has share m.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet, Sum

from funds.history.models import ApplicationStatus, HistoricalBalance
from funds.ledger.models import Account, FundType, JournalEntry, Posting
from funds.reports.selectors import YearResult, county_year_results
from pooling.accounts.models import Role, User
from pooling.core.access import scope_queryset
from pooling.core.money import ZERO, round_money
from pooling.rules.selectors import rule_value
from pooling.structure.models import County, CountyPoolingModel, Municipality, PoolingModel
from pooling.structure.selectors import counties_for
from settlement.targets.selectors import COLLECTED_KINDS, rate_round
from settlement.yearend.models import (
    AdjustmentContribution,
    AdjustmentYear,
    DeficitApplication,
    DeficitCover,
)

# Z 四(九): the employee and resident pooled funds and the maternity fund.
ADJUSTED_FUNDS: tuple[str, ...] = ("310100", "390100", "920100")
MATERNITY_FUND = "920100"
ONE = Decimal("1")
# The dated rules the adjustment page's formula shows.
FORMULA_RULES = (
    "adjustment_fund_rate",
    "adjustment_county_share_met",
    "adjustment_county_share_missed",
    "target_weight_enrollment",
    "target_weight_collection",
    "target_weight_revenue",
    "target_weight_expenditure",
)


# Deficit subsidies (N 三(四)6, J 二(五)2) ------------------------------------------------------


@dataclass(frozen=True)
class DeficitSplit:
    """Who covers a deficit (module docstring)."""

    deficit: Decimal
    before_accession: Decimal
    from_history: Decimal
    pre_accession_county: Decimal
    city_share: Decimal
    county_share: Decimal
    city_share_rate: Decimal


def deficit_applications_for(*, user: User) -> QuerySet[DeficitApplication]:
    """The applications ``user`` may see: a county officer's own county's, else the city's."""
    return scope_queryset(
        DeficitApplication.objects.select_related(
            "county", "fund_type", "submitted_by", "reviewed_by", "decided_by"
        ),
        user,
    )


def deficit_year_results_for(*, user: User, year: int) -> list[YearResult]:
    """The year's fund results of the counties ``user`` may see: a county officer their own
    county's, others every county of their city."""
    if user.municipality_id is None:
        return []
    county = user.county if user.role == Role.COUNTY_OFFICER else None
    return county_year_results(municipality=user.municipality, year=year, county=county)


def historical_balance_of(*, county: County, fund: FundType) -> HistoricalBalance | None:
    """The county's historical balance of ``fund`` (N 三(四)5), if it registered one."""
    return HistoricalBalance.objects.filter(county=county, fund_type=fund).first()


def split_deficit(
    *, county: County, fund: FundType, year: int, deficit: Decimal, before_accession: Decimal
) -> DeficitSplit:
    """Split ``deficit`` into history, city fund and county government (module docstring)."""
    history = historical_balance_of(county=county, fund=fund)
    available = history.frozen_available if history is not None else ZERO
    from_history = min(deficit, max(available, ZERO))
    pre_rest = max(before_accession - from_history, ZERO)
    shared = deficit - from_history - pre_rest
    rate = rule_value(
        municipality=county.municipality,
        key="deficit_city_share",
        on=datetime.date(year, 12, 31),
        county=county,
    )
    city = round_money(shared * rate)
    return DeficitSplit(
        deficit=deficit,
        before_accession=before_accession,
        from_history=from_history,
        pre_accession_county=pre_rest,
        city_share=city,
        county_share=deficit - from_history - city,
        city_share_rate=rate,
    )


def application_split(application: DeficitApplication) -> DeficitSplit:
    """The split as booked (approved) or as it would be booked now (open)."""
    if application.status == ApplicationStatus.APPROVED:
        return DeficitSplit(
            deficit=application.deficit,
            before_accession=application.before_accession,
            from_history=application.from_history,
            pre_accession_county=max(application.before_accession - application.from_history, ZERO),
            city_share=application.city_share,
            county_share=application.county_share,
            city_share_rate=application.city_share_rate,
        )
    return split_deficit(
        county=application.county,
        fund=application.fund_type,
        year=application.year,
        deficit=application.deficit,
        before_accession=application.before_accession,
    )


def deficit_entries(application: DeficitApplication) -> QuerySet[JournalEntry]:
    """The ledger entries that booked an approved application."""
    return JournalEntry.objects.filter(idempotency_key__startswith=f"deficit:{application.pk}:")


# The adjustment fund (Z 四(九)) ----------------------------------------------------------------


def tiers_under_adjustment(*, municipality: Municipality, year: int) -> list[County]:
    """The member units under ``tiered_adjustment`` on 31 December of ``year``, in code
    order (the city level included when it follows the model, as in Zhengzhou)."""
    on = datetime.date(year, 12, 31)
    in_force = CountyPoolingModel.objects.filter(
        county__municipality=municipality,
        model=PoolingModel.TIERED_ADJUSTMENT,
        effective_from__lte=on,
    ).filter(Q(effective_to__isnull=True) | Q(effective_to__gte=on))
    return list(County.objects.filter(pk__in=in_force.values("county")).order_by("code"))


def contribution_bases(
    *, municipality: Municipality, year: int, counties: list[County]
) -> dict[tuple[int, str], Decimal]:
    """The year's actual collections per (county, fund code) of the adjusted funds: postings
    of collection and top-up entries on the county's income accounts in the year's months.
    One grouped query."""
    rows = (
        Posting.objects.filter(
            account__municipality=municipality,
            account__county__in=counties,
            account__owner=Account.Owner.COUNTY,
            account__kind=Account.Kind.INCOME,
            account__fund_type__code__in=ADJUSTED_FUNDS,
            month__year=year,
            entry__kind__in=COLLECTED_KINDS,
        )
        .values("account__county", "account__fund_type__code")
        .annotate(total=Sum("amount"))
    )
    return {
        (row["account__county"], row["account__fund_type__code"]): round_money(row["total"])
        for row in rows
    }


def county_share_for(
    *, municipality: Municipality, year: int, completion: Decimal | None
) -> Decimal:
    """County finance's share of a gap the adjustment fund could not close (module docstring):
    m + (x − m) × (1 − c), rounded half-up to four places; m when there is no completion."""
    on = datetime.date(year, 12, 31)
    met = rule_value(municipality=municipality, key="adjustment_county_share_met", on=on)
    missed = rule_value(municipality=municipality, key="adjustment_county_share_missed", on=on)
    if completion is None:
        return rate_round(met)
    shortfall = ONE - min(max(completion, Decimal("0")), ONE)
    return rate_round(met + (missed - met) * shortfall)


def adjustment_year_of(*, municipality: Municipality, year: int) -> AdjustmentYear | None:
    """The record of a year end of the adjustment fund, once a step of it has run."""
    return AdjustmentYear.objects.filter(municipality=municipality, year=year).first()


def adjustment_contributions_for(
    *, user: User, record: AdjustmentYear | None
) -> QuerySet[AdjustmentContribution]:
    """The contributions of a year end from the tiers ``user`` may see."""
    return AdjustmentContribution.objects.filter(
        adjustment_year=record, county__in=counties_for(user=user)
    ).select_related("county", "fund_type", "source_account", "entry")


def deficit_covers_for(*, user: User, record: AdjustmentYear | None) -> QuerySet[DeficitCover]:
    """The deficit covers of a year end of the tiers ``user`` may see, with their entries."""
    return (
        DeficitCover.objects.filter(adjustment_year=record, county__in=counties_for(user=user))
        .select_related("county", "fund_type")
        .prefetch_related("entries")
    )


def formula_rules(*, municipality: Municipality, year: int) -> dict[str, Decimal] | None:
    """The dated rules the adjustment page's formula shows, in force on 31 December of
    ``year``; None when one of them is not."""
    on = datetime.date(year, 12, 31)
    try:
        return {key: rule_value(municipality=municipality, key=key, on=on) for key in FORMULA_RULES}
    except ValidationError:
        return None
