"""The adjustment fund's year end under Zhengzhou's model (Z 四(九)): 10 % contributions per
source, and the waterfall own balance → adjustment fund → finance split by targets."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from funds.ledger.models import Account, JournalEntry, Posting
from funds.ledger.services import month_close
from pooling.accounts.models import AuditEvent, User
from settlement.yearend.models import AdjustmentContribution, AdjustmentYear, DeficitCover
from settlement.yearend.services import adjustment_year_run
from tests.factories.settlement import ledger_fingerprint
from tests.factories.yearend import (
    GONGYI,
    JINSHUI,
    MATERNITY,
    POOLED,
    YEAR,
    ZHONGMU,
    account,
    balance,
    close_december,
    enrol,
    post,
    set_targets,
    tier_year,
)


@pytest.fixture
def clerk(zhengzhou_city):
    return User.objects.get(username="zhengzhou_clerk")


@pytest.fixture
def bureau(zhengzhou_city):
    return User.objects.get(username="zhengzhou_bureau")


@pytest.fixture(autouse=True)
def _december_closed(zhengzhou_city):
    """The year end runs only after December is closed; these tests' tiers are Zhengzhou's."""
    close_december(zhengzhou_city)


@pytest.fixture
def deficit_year(zhengzhou_city):
    """中牟县: 1,000 opening, 1,000 collected, 1,800 spent → 100 contribution, deficit 900;
    巩义市: 3,000 collected, 1,000 spent → 300 contribution, no deficit."""
    tier_year(zhengzhou_city, ZHONGMU, opening="1000.00", collected="1000.00", spent="1800.00")
    tier_year(zhengzhou_city, GONGYI, collected="3000.00", spent="1000.00")
    return zhengzhou_city


def test_contributions_are_ten_percent_per_source_and_fund(zhengzhou_city, clerk):
    tier_year(zhengzhou_city, ZHONGMU, collected="1234.57")
    tier_year(zhengzhou_city, GONGYI, collected="800.00", fund=MATERNITY)
    tier_year(zhengzhou_city, JINSHUI, collected="50.00")

    result = adjustment_year_run(municipality=zhengzhou_city, year=YEAR, actor=clerk)

    rows = {
        (row.county.code, row.fund_type.code): (row.collections, row.amount, row.source_account)
        for row in AdjustmentContribution.objects.select_related("county", "fund_type")
    }
    assert {key: value[:2] for key, value in rows.items()} == {
        (ZHONGMU, POOLED): (Decimal("1234.57"), Decimal("123.46")),  # 123.457 rounds half-up
        (GONGYI, MATERNITY): (Decimal("800.00"), Decimal("80.00")),
        (JINSHUI, POOLED): (Decimal("50.00"), Decimal("5.00")),
    }
    assert result.contributions_created == 3
    assert result.contributions_total == Decimal("208.46")
    assert balance(zhengzhou_city, None, Account.Kind.ADJUSTMENT_FUND) == Decimal("128.46")
    assert balance(zhengzhou_city, None, Account.Kind.ADJUSTMENT_FUND, MATERNITY) == Decimal(
        "80.00"
    )
    assert balance(zhengzhou_city, ZHONGMU, Account.Kind.FISCAL_SPECIAL) == Decimal("1111.11")
    # One entry per source, paid from the source tier's own fiscal special account and
    # naming it; the city level had no collections and pays nothing.
    entry = rows[(ZHONGMU, POOLED)][2]
    assert entry.county.code == ZHONGMU and entry.kind == Account.Kind.FISCAL_SPECIAL
    contribution = AdjustmentContribution.objects.get(county__code=ZHONGMU)
    assert contribution.entry.kind == JournalEntry.Kind.ADJUSTMENT
    assert "中牟县" in contribution.entry.source_label
    # December is closed before any year end: the entries post in the next open month.
    assert contribution.entry.month == datetime.date(YEAR + 1, 1, 1)
    assert contribution.entry.effective_date == datetime.date(YEAR + 1, 1, 1)


def test_maternity_of_a_district_remitting_to_the_city_is_paid_from_the_city_account(
    zhengzhou_city, clerk
):
    city = zhengzhou_city
    special = account(city, None, Account.Kind.FISCAL_SPECIAL, MATERNITY)
    tax = account(city, JINSHUI, Account.Kind.COUNTERPARTY, MATERNITY, Account.Owner.TAX_BUREAU)
    income = account(city, JINSHUI, Account.Kind.INCOME, MATERNITY)
    city_income = account(city, None, Account.Kind.INCOME, MATERNITY)
    march = datetime.date(YEAR, 3, 1)
    post(city, "m:collect", "collection", march, [(tax, "-600.00"), (income, "600.00")])
    post(city, "m:remit", "remittance", march, [(income, "-600.00"), (city_income, "600.00")])
    post(city, "m:fiscal", "remittance", march, [(city_income, "-600.00"), (special, "600.00")])

    adjustment_year_run(municipality=city, year=YEAR, actor=clerk)

    row = AdjustmentContribution.objects.get()
    assert (row.county.code, row.fund_type.code, row.amount) == (
        JINSHUI,
        MATERNITY,
        Decimal("60.00"),
    )
    assert row.source_account == special
    assert balance(city, None, Account.Kind.FISCAL_SPECIAL, MATERNITY) == Decimal("540.00")


def test_waterfall_with_targets_met_splits_the_rest_half_and_half(deficit_year, clerk, bureau):
    city = deficit_year
    enrol(city, ZHONGMU, 2)
    set_targets(
        city,
        ZHONGMU,
        bureau,
        enrollment=2,
        collection="1000.00",
        revenue="1000.00",
        expenditure="2000.00",
    )

    result = adjustment_year_run(municipality=city, year=YEAR, actor=clerk)

    cover = DeficitCover.objects.get()
    assert cover.county.code == ZHONGMU and cover.fund_type.code == POOLED
    # D = 1,800 − 1,000 + 100 = 900: (a) the 100 left in the fiscal special account,
    # (b) the whole adjustment fund (100 + 300), (c) 400 shared at 50 % (completion 100 %).
    assert (cover.revenue, cover.spending, cover.contribution, cover.deficit) == (
        Decimal("1000.00"),
        Decimal("1800.00"),
        Decimal("100.00"),
        Decimal("900.00"),
    )
    assert (cover.own_balance, cover.own_used, cover.adjustment_used) == (
        Decimal("100.00"),
        Decimal("100.00"),
        Decimal("400.00"),
    )
    assert cover.completion == Decimal("1.0000")
    assert cover.county_share == Decimal("0.5000")
    assert (cover.county_finance, cover.city_finance) == (Decimal("200.00"), Decimal("200.00"))
    assert result.covers_created == 1 and result.deficits_total == Decimal("900.00")
    assert balance(city, ZHONGMU, Account.Kind.EXPENDITURE) == Decimal("900.00")
    assert balance(city, ZHONGMU, Account.Kind.FISCAL_SPECIAL) == Decimal("0.00")
    assert balance(city, None, Account.Kind.ADJUSTMENT_FUND) == Decimal("0.00")
    assert balance(city, None, Account.Kind.COUNTERPARTY, owner=Account.Owner.CITY_FINANCE) == (
        Decimal("-200.00")
    )
    assert balance(
        city, ZHONGMU, Account.Kind.COUNTERPARTY, owner=Account.Owner.COUNTY_GOVERNMENT
    ) == Decimal("-1200.00")
    kinds = sorted(cover.entries.values_list("kind", flat=True))
    assert kinds == ["adjustment", "subsidy", "subsidy", "transfer"]


def test_waterfall_with_targets_missed_puts_more_on_the_county(deficit_year, clerk, bureau):
    city = deficit_year
    # Enrolled 0 of 10 (0 %), collected 1,000 of 2,000 (50 %), revenue 1,000 of 1,000
    # (100 %), spent 1,800 against a plan of 1,000 (within-plan 1,000 ÷ 1,800):
    # completion = (0 + 0.5 + 1 + 0.5556) ÷ 4 = 0.5139; share = 0.5 + 0.4 × 0.4861 = 0.6944.
    set_targets(
        city,
        ZHONGMU,
        bureau,
        enrollment=10,
        collection="2000.00",
        revenue="1000.00",
        expenditure="1000.00",
    )

    adjustment_year_run(municipality=city, year=YEAR, actor=clerk)

    cover = DeficitCover.objects.get()
    assert cover.completion == Decimal("0.5139")
    assert cover.county_share == Decimal("0.6944")
    assert (cover.county_finance, cover.city_finance) == (Decimal("277.76"), Decimal("122.24"))
    assert cover.own_used + cover.adjustment_used + cover.county_finance + cover.city_finance == (
        cover.deficit
    )


def test_adjustment_fund_short_of_two_deficits_is_shared_pro_rata(zhengzhou_city, clerk):
    city = zhengzhou_city
    # Two tiers with nothing of their own left after the contribution; a fund of 30 + 30 + 10.
    tier_year(city, ZHONGMU, opening="300.00", collected="300.00", spent="570.00")
    tier_year(city, JINSHUI, opening="300.00", collected="300.00", spent="570.00")
    tier_year(city, GONGYI, collected="100.00")

    adjustment_year_run(municipality=city, year=YEAR, actor=clerk)

    covers = {cover.county.code: cover for cover in DeficitCover.objects.select_related("county")}
    # Each: D = 570 − 300 + 30 = 300, own balance 0; gaps 300 + 300 > fund 70 → 35 each.
    assert {code: cover.adjustment_used for code, cover in covers.items()} == {
        ZHONGMU: Decimal("35.00"),
        JINSHUI: Decimal("35.00"),
    }
    # No targets set: the county bears the base share, 50 %, of the rest 265.
    assert {code: (c.county_finance, c.city_finance) for code, c in covers.items()} == {
        ZHONGMU: (Decimal("132.50"), Decimal("132.50")),
        JINSHUI: (Decimal("132.50"), Decimal("132.50")),
    }
    assert covers[ZHONGMU].completion is None


def test_a_deficit_within_the_own_balance_needs_nothing_else(zhengzhou_city, clerk):
    tier_year(zhengzhou_city, ZHONGMU, opening="5000.00", collected="1000.00", spent="1200.00")

    adjustment_year_run(municipality=zhengzhou_city, year=YEAR, actor=clerk)

    cover = DeficitCover.objects.get()
    assert (cover.deficit, cover.own_used, cover.adjustment_used) == (
        Decimal("300.00"),
        Decimal("300.00"),
        Decimal("0.00"),
    )
    assert (cover.county_finance, cover.city_finance) == (Decimal("0.00"), Decimal("0.00"))
    assert cover.entries.count() == 1


def test_running_the_year_twice_changes_nothing(deficit_year, clerk):
    adjustment_year_run(municipality=deficit_year, year=YEAR, actor=clerk)
    before = ledger_fingerprint(deficit_year)
    events = AuditEvent.objects.count()

    again = adjustment_year_run(municipality=deficit_year, year=YEAR, actor=clerk)

    assert ledger_fingerprint(deficit_year) == before
    assert AuditEvent.objects.count() == events
    assert again.contributions_created == 0 and again.covers_created == 0
    assert again.contributions_total == Decimal("400.00")
    assert again.deficits_total == Decimal("900.00")


def test_the_year_end_posts_in_the_first_open_month_after_december(deficit_year, clerk):
    month_close(municipality=deficit_year, month=datetime.date(YEAR + 1, 1, 1), actor=clerk)

    adjustment_year_run(municipality=deficit_year, year=YEAR, actor=clerk)

    record = AdjustmentYear.objects.get()
    assert record.posting_month == datetime.date(YEAR + 1, 2, 1)
    assert set(
        JournalEntry.objects.filter(idempotency_key__startswith="adjustment:").values_list(
            "month", flat=True
        )
    ) == {datetime.date(YEAR + 1, 2, 1)}


def test_a_run_that_fails_half_way_leaves_the_ledger_as_it_was_and_can_run_again(
    zhengzhou_city, clerk, monkeypatch
):
    tier_year(zhengzhou_city, GONGYI, collected="500.00")
    tier_year(zhengzhou_city, ZHONGMU, collected="1000.00", spent="1000.00")
    before = ledger_fingerprint(zhengzhou_city)

    def killed(*args, **kwargs):
        raise RuntimeError("killed after the entries were posted")

    # The entries are posted, then the run dies before recording the contributions.
    with monkeypatch.context() as patch:
        patch.setattr(AdjustmentContribution.objects, "bulk_create", killed)
        with pytest.raises(RuntimeError):
            adjustment_year_run(municipality=zhengzhou_city, year=YEAR, actor=clerk)

    assert ledger_fingerprint(zhengzhou_city) == before
    assert not AdjustmentContribution.objects.exists()
    assert not AdjustmentYear.objects.filter(contributions_at__isnull=False).exists()

    adjustment_year_run(municipality=zhengzhou_city, year=YEAR, actor=clerk)
    assert sorted(AdjustmentContribution.objects.values_list("county__code", "amount")) == [
        (ZHONGMU, Decimal("0.00")),
        (GONGYI, Decimal("50.00")),
    ]


def test_a_city_without_the_adjustment_model_is_a_no_op(jining_city, zhengzhou_city, clerk):
    postings = Posting.objects.count()

    result = adjustment_year_run(municipality=jining_city, year=YEAR, actor=None)

    assert result.adjustment_year is None and result.contributions_created == 0
    assert Posting.objects.count() == postings


def test_waterfall_needs_the_contributions_first(zhengzhou_city, clerk):
    from settlement.yearend.services import adjustment_waterfall_run

    with pytest.raises(ValidationError, match="contributions"):
        adjustment_waterfall_run(municipality=zhengzhou_city, year=YEAR, actor=clerk)


def test_a_frozen_historical_balance_is_not_used_as_own_balance(zhengzhou_city, clerk):
    tier_year(zhengzhou_city, ZHONGMU, opening="5000.00", collected="1000.00", spent="1200.00")
    special = account(zhengzhou_city, ZHONGMU, Account.Kind.FISCAL_SPECIAL, POOLED)
    Account.objects.filter(pk=special.pk).update(frozen_amount=Decimal("4650.00"))

    adjustment_year_run(municipality=zhengzhou_city, year=YEAR, actor=clerk)

    cover = DeficitCover.objects.get()
    # 4,700 after the contribution, 4,650 frozen: 50 of its own; the fund holds its 100.
    assert (cover.own_balance, cover.own_used, cover.adjustment_used) == (
        Decimal("50.00"),
        Decimal("50.00"),
        Decimal("100.00"),
    )
    assert (cover.county_finance, cover.city_finance) == (Decimal("75.00"), Decimal("75.00"))
    assert balance(zhengzhou_city, ZHONGMU, Account.Kind.FISCAL_SPECIAL) == Decimal("4650.00")


def test_a_fund_that_cannot_pay_its_whole_contribution_pays_what_it_has(zhengzhou_city, clerk):
    # 1,000 + 1,000 collected − 1,950 spent: 50 left to pay a contribution of 100.
    tier_year(zhengzhou_city, ZHONGMU, opening="1000.00", collected="1000.00", spent="1950.00")

    adjustment_year_run(municipality=zhengzhou_city, year=YEAR, actor=clerk)

    contribution = AdjustmentContribution.objects.get(county__code=ZHONGMU)
    assert (contribution.amount_due, contribution.amount, contribution.shortfall) == (
        Decimal("100.00"),
        Decimal("50.00"),
        Decimal("50.00"),
    )
    assert "少提 50.00" in contribution.entry.memo
    cover = DeficitCover.objects.get()
    # D = 1,950 − 1,000 + 50 paid = 1,000; nothing of its own left; the fund holds the 50 it
    # paid; the rest 950 is shared at m = 50 % (no targets set).
    assert (cover.deficit, cover.own_used, cover.adjustment_used) == (
        Decimal("1000.00"),
        Decimal("0.00"),
        Decimal("50.00"),
    )
    assert (cover.county_finance, cover.city_finance) == (Decimal("475.00"), Decimal("475.00"))
    assert balance(zhengzhou_city, ZHONGMU, Account.Kind.EXPENDITURE) == Decimal("1000.00")


def test_a_fund_with_nothing_to_pay_records_the_whole_contribution_as_shortfall(
    zhengzhou_city, clerk
):
    tier_year(zhengzhou_city, ZHONGMU, collected="1000.00", spent="1000.00")

    adjustment_year_run(municipality=zhengzhou_city, year=YEAR, actor=clerk)

    contribution = AdjustmentContribution.objects.get(county__code=ZHONGMU)
    assert (contribution.amount_due, contribution.amount, contribution.entry) == (
        Decimal("100.00"),
        Decimal("0.00"),
        None,
    )
    assert not DeficitCover.objects.exists()  # D = 1,000 − 1,000 + 0 paid = 0
