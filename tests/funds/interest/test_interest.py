"""Quarterly interest per fund and account (分别计息, N 三(四); DOMAIN §14): the
accumulated-balance method to the fen, the clerk's confirmation booking it once, the 利息收入
line of the final accounts, and who may do what."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from funds.interest import selectors, services
from funds.interest.models import InterestSettlement
from funds.ledger.models import Account, FundType, JournalEntry
from funds.ledger.selectors import account_for, ledger_verify
from funds.ledger.services import PostingLine, entry_post
from funds.reports.selectors import final_accounts

pytestmark = pytest.mark.django_db

D = datetime.date
MARCH_20 = D(2026, 3, 20)
POOLED = "310100"


def _account(city, county, kind, owner=None):
    return account_for(municipality=city, county=county, kind=kind, fund_code=POOLED, owner=owner)


def _move(city, key, on, source, target, amount):
    return entry_post(
        municipality=city,
        kind="collection" if source.kind == Account.Kind.COUNTERPARTY else "remittance",
        month=on.replace(day=1),
        effective_date=on,
        memo=key,
        actor=None,
        idempotency_key=key,
        lines=[PostingLine(source, -Decimal(amount)), PostingLine(target, Decimal(amount))],
    )


@pytest.fixture
def quarter(ledger, county_a):
    """County A's pooled-fund income account: 100,000.00 before the quarter, +1,234.56 on
    15 Jan, +50,000.00 on 1 Feb, −30,000.00 to its fiscal special account on 1 Mar; 5,000.00
    in its expenditure account from 1 Mar."""
    tax = _account(ledger, county_a, Account.Kind.COUNTERPARTY, Account.Owner.TAX_BUREAU)
    income = _account(ledger, county_a, Account.Kind.INCOME)
    fiscal = _account(ledger, county_a, Account.Kind.FISCAL_SPECIAL)
    spending = _account(ledger, county_a, Account.Kind.EXPENDITURE)
    _move(ledger, "i1", D(2025, 12, 10), tax, income, "100000.00")
    _move(ledger, "i2", D(2026, 1, 15), tax, income, "1234.56")
    _move(ledger, "i3", D(2026, 2, 1), tax, income, "50000.00")
    _move(ledger, "i4", D(2026, 3, 1), income, fiscal, "30000.00")
    _move(ledger, "i5", D(2026, 3, 1), fiscal, spending, "5000.00")
    return income, fiscal, spending


def test_a_quarters_interest_on_a_changing_balance_to_the_fen(ledger, quarter, city_clerk):
    income, fiscal, spending = quarter

    rows = services.interest_quarter_compute(
        municipality=ledger, settlement_date=MARCH_20, actor=city_clerk
    )

    by_account = {row.account_id: row for row in rows}
    assert set(by_account) == {income.pk, fiscal.pk, spending.pk}
    row = by_account[income.pk]
    # 2025-12-21 … 2026-03-20 is 90 days. Σ end-of-day balances:
    # 100,000.00 × 90 + 1,234.56 × 65 + 50,000.00 × 48 − 30,000.00 × 20 = 10,880,246.40;
    # × 0.35 % ÷ 360 = 105.7801… → 105.78.
    assert (row.period_start, row.days) == (D(2025, 12, 21), 90)
    assert row.accumulated_balance == Decimal("10880246.40")
    assert row.rate == Decimal("0.0035")
    assert row.computed_interest == Decimal("105.78")
    # Fiscal special: 25,000.00 × 20 days × 1.15 % ÷ 360 = 15.97 (15.972…).
    assert by_account[fiscal.pk].accumulated_balance == Decimal("500000.00")
    assert by_account[fiscal.pk].computed_interest == Decimal("15.97")
    # Expenditure: 5,000.00 × 20 × 0.35 % ÷ 360 = 0.97 (0.9722…), credited to fiscal special.
    assert by_account[spending.pk].computed_interest == Decimal("0.97")
    assert by_account[spending.pk].credited_account == fiscal
    # The set-based statement and its Python twin agree.
    assert selectors.accumulated_balances_portable(
        account_ids=[income.pk, fiscal.pk, spending.pk], start=D(2025, 12, 21), end=MARCH_20
    ) == {
        income.pk: Decimal("10880246.40"),
        fiscal.pk: Decimal("500000.00"),
        spending.pk: Decimal("100000.00"),
    }


def test_confirming_books_the_banks_figure_once_and_final_accounts_show_it(
    ledger, quarter, county_a, city_clerk
):
    income, fiscal, spending = quarter
    services.interest_quarter_compute(municipality=ledger, settlement_date=MARCH_20, actor=None)
    rows = {row.account_id: row for row in InterestSettlement.objects.all()}

    services.interest_settlement_confirm(
        settlement=rows[income.pk], bank_interest=Decimal("105.78"), actor=city_clerk
    )
    # The bank's slip differs by a fen: its figure is what is booked.
    services.interest_settlement_confirm(
        settlement=rows[spending.pk], bank_interest=Decimal("0.98"), actor=city_clerk
    )

    income.refresh_from_db()
    fiscal.refresh_from_db()
    assert income.balance == Decimal("121234.56") + Decimal("105.78")
    assert fiscal.balance == Decimal("25000.00") + Decimal("0.98")
    entry = JournalEntry.objects.get(idempotency_key=f"interest:{income.pk}:2026-03-20")
    assert (entry.kind, entry.effective_date) == ("interest", D(2026, 3, 21))
    assert rows[spending.pk].difference == Decimal("0.01")

    with pytest.raises(ValidationError):
        services.interest_settlement_confirm(
            settlement=rows[income.pk], bank_interest=Decimal("105.78"), actor=city_clerk
        )
    assert JournalEntry.objects.filter(kind="interest").count() == 2
    # A rerun of the computation leaves the confirmed rows alone.
    services.interest_quarter_compute(municipality=ledger, settlement_date=MARCH_20, actor=None)
    rows[income.pk].refresh_from_db()
    assert rows[income.pk].status == "confirmed"

    accounts = final_accounts(
        municipality=ledger,
        fund=FundType.objects.get(code=POOLED),
        start=D(2026, 3, 1),
        end=D(2026, 3, 1),
        counties=[county_a],
        include_city=True,
    )
    assert accounts.balanced
    assert accounts.city_total.line("interest") == Decimal("106.76")
    assert ledger_verify(municipality=ledger).ok


def test_a_date_other_than_a_settlement_date_and_a_negative_figure_are_refused(
    ledger, quarter, english_messages
):
    with pytest.raises(ValidationError) as error:
        services.interest_quarter_compute(
            municipality=ledger, settlement_date=D(2026, 3, 31), actor=None
        )
    assert "not a settlement date" in str(error.value.message_dict["settlement_date"])
    assert not InterestSettlement.objects.exists()
    services.interest_quarter_compute(municipality=ledger, settlement_date=MARCH_20, actor=None)
    row = InterestSettlement.objects.first()
    with pytest.raises(ValidationError) as error:
        services.interest_settlement_confirm(
            settlement=row, bank_interest=Decimal("-1.00"), actor=None
        )
    assert "bank_interest" in error.value.message_dict
    assert not JournalEntry.objects.filter(kind="interest").exists()


def test_pages_and_api_scope_and_roles(
    ledger,
    quarter,
    client_for,
    api_for,
    city_clerk,
    auditor,
    county_a_officer,
    county_b_officer,
):
    income = quarter[0]
    response = client_for(city_clerk).post(
        "/funds/interest/compute/", {"settlement_date": "2026-03-20"}
    )
    assert response.status_code == 302
    row = InterestSettlement.objects.get(account=income)

    # The county's officer sees the row; another county's officer does not.
    assert "105.78" in client_for(county_a_officer).get("/funds/interest/").content.decode()
    assert client_for(county_b_officer).get(f"/funds/interest/{row.pk}/confirm/").status_code in (
        403,
        404,
    )
    assert api_for(county_b_officer).get(f"/api/interest/{row.pk}/").status_code == 404
    # Auditors read but never write.
    assert api_for(auditor).get("/api/interest/?settlement_date=2026-03-20").status_code == 200
    assert (
        api_for(auditor)
        .post(f"/api/interest/{row.pk}/confirm/", {"bank_interest": "105.78"})
        .status_code
        == 403
    )
    assert api_for(auditor).post("/api/interest/compute/", {}).status_code == 403
    # Bad input is a 400 naming the field.
    bad = api_for(city_clerk).post("/api/interest/compute/", {"settlement_date": "2026-03-21"})
    assert bad.status_code == 400 and "settlement_date" in bad.json()
    bad = api_for(city_clerk).post(f"/api/interest/{row.pk}/confirm/", {"bank_interest": "x"})
    assert bad.status_code == 400 and "bank_interest" in bad.json()
    # The clerk confirms through the page.
    page = client_for(city_clerk).get(f"/funds/interest/{row.pk}/confirm/")
    assert page.status_code == 200 and "105.78" in page.content.decode()
    done = client_for(city_clerk).post(
        f"/funds/interest/{row.pk}/confirm/", {"bank_interest": "105.78"}
    )
    assert done.status_code == 302
    row.refresh_from_db()
    assert row.status == "confirmed" and row.entry is not None
    again = api_for(city_clerk).post(f"/api/interest/{row.pk}/confirm/", {"bank_interest": "1"})
    assert again.status_code == 400
