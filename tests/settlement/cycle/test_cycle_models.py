"""Each pooling model moves exactly the money its documents say (DOMAIN §3, §6, §7)."""

from decimal import Decimal

from funds.ledger.models import Account, ClosedMonth, JournalEntry
from settlement.cycle import services
from settlement.cycle.models import CycleStep, RemittanceLine
from tests.factories.settlement import MONTH, balance, collect

INCOME, FISCAL = Account.Kind.INCOME, Account.Kind.FISCAL_SPECIAL
POOLED, PERSONAL, MATERNITY, CRITICAL = "310100", "310200", "920100", "910100"


def _run(municipality):
    cycle, created = services.cycle_start(municipality=municipality, month=MONTH, actor=None)
    assert created
    outcomes = services.cycle_run_all(cycle=cycle, actor=None)
    return cycle, outcomes


def test_unified_county_remits_everything_to_the_city_then_to_the_fiscal_account(jining_city):
    collect(jining_city, "370811", POOLED, "1000.10")
    collect(jining_city, "370811", PERSONAL, "200.05")
    collect(jining_city, "370812", POOLED, "333.33")
    cycle, outcomes = _run(jining_city)

    assert [outcome.status for outcome in outcomes] == ["done"] * 6
    assert balance(jining_city, county_code="370811", kind=INCOME, fund=POOLED) == Decimal("0.00")
    assert balance(jining_city, county_code="370812", kind=INCOME, fund=POOLED) == Decimal("0.00")
    assert balance(jining_city, kind=INCOME, fund=POOLED) == Decimal("0.00")
    assert balance(jining_city, kind=FISCAL, fund=POOLED) == Decimal("1333.43")
    assert balance(jining_city, kind=FISCAL, fund=PERSONAL) == Decimal("200.05")
    # County fiscal special accounts get nothing under unified collection (N 三(四)3).
    assert balance(jining_city, county_code="370811", kind=FISCAL, fund=POOLED) == Decimal("0.00")
    remittances = cycle.lines.filter(stage=RemittanceLine.Stage.REMITTANCE)
    assert sorted((line.county.code, line.fund_type.code, line.amount) for line in remittances) == [
        ("370811", POOLED, Decimal("1000.10")),
        ("370811", PERSONAL, Decimal("200.05")),
        ("370812", POOLED, Decimal("333.33")),
    ]
    assert all(line.entry.kind == JournalEntry.Kind.REMITTANCE for line in cycle.lines.all())
    steps = {step.name: step for step in cycle.steps.all()}
    assert steps["remittance"].amount == Decimal("1533.48")
    assert steps["fiscal_transfer"].amount == Decimal("1533.48")
    assert ClosedMonth.objects.filter(municipality=jining_city, month=MONTH).exists()


def test_tiered_county_moves_revenue_to_its_own_fiscal_account(jinan_city):
    collect(jinan_city, "370102", POOLED, "500.00")
    cycle, outcomes = _run(jinan_city)
    assert outcomes[-1].status == "done"
    assert balance(jinan_city, county_code="370102", kind=INCOME, fund=POOLED) == Decimal("0.00")
    assert balance(jinan_city, county_code="370102", kind=FISCAL, fund=POOLED) == Decimal("500.00")
    assert balance(jinan_city, kind=FISCAL, fund=POOLED) == Decimal("0.00")
    assert not cycle.lines.filter(stage=RemittanceLine.Stage.FISCAL_TRANSFER).exists()


def test_zhengzhou_districts_remit_maternity_to_the_city_and_keep_the_rest(zhengzhou_city):
    collect(zhengzhou_city, "410105", MATERNITY, "80.00")  # 金水区: a district
    collect(zhengzhou_city, "410105", POOLED, "900.00")
    collect(zhengzhou_city, "410106", MATERNITY, "40.00")  # 上街区: keeps its own (Z 四(二))
    collect(zhengzhou_city, "410122", MATERNITY, "25.00")  # 中牟县: a county keeps its own
    _cycle, outcomes = _run(zhengzhou_city)
    assert outcomes[-1].status == "done"
    city = zhengzhou_city
    assert balance(city, kind=FISCAL, fund=MATERNITY) == Decimal("80.00")
    assert balance(city, kind=INCOME, fund=MATERNITY) == Decimal("0.00")
    assert balance(city, county_code="410105", kind=FISCAL, fund=POOLED) == Decimal("900.00")
    assert balance(city, county_code="410105", kind=FISCAL, fund=MATERNITY) == Decimal("0.00")
    assert balance(city, county_code="410106", kind=FISCAL, fund=MATERNITY) == Decimal("40.00")
    assert balance(city, county_code="410122", kind=FISCAL, fund=MATERNITY) == Decimal("25.00")


def test_a_running_cycle_is_not_started_twice(jining_city):
    first, created = services.cycle_start(municipality=jining_city, month=MONTH, actor=None)
    second, created_again = services.cycle_start(municipality=jining_city, month=MONTH, actor=None)
    assert created and not created_again and first.pk == second.pk
    assert CycleStep.objects.filter(cycle=first).count() == 6


def test_money_arriving_after_the_cut_off_stops_the_month_from_closing(jining_city, monkeypatch):
    collect(jining_city, "370811", POOLED, "100.00")
    real_transfer = services._RUNNERS["fiscal_transfer"]

    def late_collection_then_transfer(cycle, step, actor):
        collect(jining_city, "370812", CRITICAL, "12.34", key="late")
        return real_transfer(cycle, step, actor)

    monkeypatch.setitem(services._RUNNERS, "fiscal_transfer", late_collection_then_transfer)
    cycle, outcomes = _run(jining_city)
    check = outcomes[-1]
    assert check.name == "zero_balance_check" and check.status == "failed"
    assert "12.34" in check.error and "兖州区" in check.error
    assert not ClosedMonth.objects.filter(municipality=jining_city, month=MONTH).exists()
    cycle.refresh_from_db()
    assert cycle.status == "failed"
