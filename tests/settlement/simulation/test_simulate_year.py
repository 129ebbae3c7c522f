"""``simulate_year``: a whole year of each city through the product's
services; the ledger verifies, the final accounts balance, premiums equal the assessments paid,
benefits equal the statements paid, and a rerun books nothing."""

import datetime
import io
import zoneinfo
from decimal import Decimal

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.db.models import Sum

from enrollment.contributions.models import Assessment
from funds.history.models import HistoricalBalance
from funds.ledger.models import Account, FundType, JournalEntry, Posting
from funds.reports.selectors import final_accounts
from pooling.structure.models import County, Municipality
from pooling.structure.presets import CITIES
from settlement.benefits.models import BenefitStatement
from settlement.cycle.models import MonthlyCycle
from settlement.plans.models import CityMonthlyPlan

JAN, DEC = datetime.date(2026, 1, 1), datetime.date(2026, 12, 1)


@pytest.fixture(autouse=True)
def _after_2026():
    """2026 is simulated as a past year (its December's cycle may start only on 31 December
    2026, its year end only after that): the clock stands in January 2027."""
    with time_machine.travel(
        datetime.datetime(2027, 1, 15, 10, 0, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai"))
    ):
        yield


@pytest.mark.slow
@pytest.mark.parametrize("city", ["jining", "jinan", "zhengzhou"])
def test_a_simulated_year_checks_out_and_reruns_without_booking(db, city):
    out = io.StringIO()
    call_command("simulate_year", city=city, year=2026, insured=40, stdout=out)
    text = out.getvalue()
    assert "All checks passed." in text and "FAILED" not in text
    municipality = Municipality.objects.get(slug=city)
    assert (
        MonthlyCycle.objects.filter(
            municipality=municipality, status=MonthlyCycle.Status.COMPLETED
        ).count()
        == 12
    )

    pooled = final_accounts(
        municipality=municipality,
        fund=FundType.objects.get(code="310100"),
        start=JAN,
        end=DEC,
        counties=list(County.objects.filter(municipality=municipality).order_by("code")),
        include_city=True,
    )
    assert pooled.balanced
    paid = BenefitStatement.objects.filter(
        municipality=municipality, status=BenefitStatement.Status.PAID
    ).aggregate(total=Sum("amount_approved"))["total"]
    assert paid > 0 and pooled.city_total.line("benefits") == paid
    assessed = Assessment.objects.filter(municipality=municipality).aggregate(
        total=Sum("total_due")
    )["total"]
    assert f"{'assessed':<20} {assessed:>16}" in text
    assert f"{'premiums booked':<20} {assessed:>16}" in text
    if city == "jining":
        # Unified: eleven plan months (none in January) allocate from the city pool; the
        # allocations cancel in the city total.
        assert (
            CityMonthlyPlan.objects.filter(
                municipality=municipality, status=CityMonthlyPlan.Status.ALLOCATED
            ).count()
            == 11
        )
        # N 三(四)5: the first unit's historical balance: 200,000.00 on demand (collected at
        # registration) and a time deposit of 800,000.00 maturing on 30 June, whose 100,000.00
        # the year end collects; 700,000.00 stays frozen.
        history = HistoricalBalance.objects.get(county__municipality=municipality)
        assert "historical balances: 1 matured time deposits collected" in text
        assert history.deposits.get().collection_entry_id is not None
        assert Account.objects.get(
            municipality=municipality,
            county=history.county,
            owner="county",
            kind="fiscal_special",
            fund_type__code="310100",
        ).frozen_amount == Decimal("700000.00")
        city_level, *_counties = pooled.columns
        assert city_level.line("grant_to_lower") > 0
        assert pooled.city_total.line("grant_to_lower") == Decimal("0.00")

    # Every quarter's interest booked (N 三(四) 分别计息): the interest line is not zero.
    assert pooled.city_total.line("interest") > 0
    assert "interest booked each quarter" in text
    # Money only in the funds the city's document names (DOMAIN §14).
    funds_with_money = set(
        Posting.objects.filter(account__municipality=municipality).values_list(
            "fund_type__code", flat=True
        )
    )
    assert funds_with_money <= CITIES[city].fund_codes(), funds_with_money

    entries = JournalEntry.objects.count()
    again = io.StringIO()
    call_command("simulate_year", city=city, year=2026, insured=40, stdout=again)
    assert again.getvalue().count("already run, nothing booked") == 12
    assert JournalEntry.objects.count() == entries


def test_bad_arguments_exit_non_zero(db):
    with pytest.raises(CommandError):
        call_command("simulate_year", city="jining", year=2026, insured=0, stdout=io.StringIO())
