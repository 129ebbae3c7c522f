"""Deficit subsidies (N 三(四)6) and pre-accession risk (J 二(五)2; issue 8 items 2 and 4).

N 三(四)6: a county whose year's fund result (``funds.year_results``) is a deficit applies in
writing; the city agency reviews, the bureau approves or returns it. The subsidy is taken
from the county's historical balance first (有历史结余的，从历史结余中解决) — approving the
subsidy is itself the approval to use that frozen money; what is left is shared between the
city fund and the county government (rule ``deficit_city_share``, in force on 31 December of
the year).

J 二(五)2: risk arising before the county's accession is the county's alone. The part of the
deficit from before the accession date (``YearResult.deficit_before_accession``) is covered by
the historical balance first (it is the county's own money) and its remainder falls wholly on
the county government: the city's share of that part is zero.

The split, in fen, half-up (``split_deficit``)::

    from_history = min(deficit, frozen 70 % left)
    pre_rest     = max(before_accession − from_history, 0)      # county government alone
    shared       = deficit − from_history − pre_rest
    city_share   = round_half_up(shared × deficit_city_share)
    county_share = deficit − from_history − city_share

Booking at approval, into the county's expenditure account of the fund (where the benefits
are paid): ``transfer`` from the county's fiscal special account (the history), ``subsidy``
from the finance bureau's fiscal special account (the city fund) and ``subsidy`` from the
county government's counterparty account. Each entry has an idempotency key of the
application and layer, so a replay books nothing twice.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q, QuerySet, Sum

from funds.history.models import ApplicationStatus, HistoricalBalance
from funds.ledger.models import Account, FundType, JournalEntry, Posting
from pooling.accounts.models import User
from pooling.core.access import scope_queryset
from pooling.core.money import ZERO, round_money
from pooling.rules.selectors import rule_value
from pooling.structure.models import County, CountyPoolingModel, Municipality, PoolingModel
from settlement.targets.selectors import COLLECTED_KINDS, rate_round
from settlement.yearend.models import AdjustmentYear, DeficitApplication


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
    return scope_queryset(
        DeficitApplication.objects.select_related(
            "county", "fund_type", "submitted_by", "reviewed_by", "decided_by"
        ),
        user,
    )


def _history(county: County, fund: FundType) -> HistoricalBalance | None:
    return HistoricalBalance.objects.filter(county=county, fund_type=fund).first()


def split_deficit(
    *, county: County, fund: FundType, year: int, deficit: Decimal, before_accession: Decimal
) -> DeficitSplit:
    """Split ``deficit`` into history, city fund and county government (module docstring)."""
    history = _history(county, fund)
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


@dataclass(frozen=True)
class AdjustmentYearResult:
    """What one year-end run did: how many contributions and deficit covers it booked (a
    rerun books none) and the totals of the year as recorded."""

    year: int
    adjustment_year: AdjustmentYear | None
    contributions_created: int
    contributions_total: Decimal
    covers_created: int
    deficits_total: Decimal
    entry_ids: list[int] = field(default_factory=list)


# ---------------------------------------------------------------------------------------------
# Reads
# ---------------------------------------------------------------------------------------------


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


def adjustment_years_for(*, municipality: Municipality) -> list[AdjustmentYear]:
    return list(AdjustmentYear.objects.filter(municipality=municipality).order_by("-year"))


# Z 四(九): the employee and resident pooled funds and the maternity fund.
ADJUSTED_FUNDS: tuple[str, ...] = ("310100", "390100", "920100")
MATERNITY_FUND = "920100"


ONE = Decimal("1")
