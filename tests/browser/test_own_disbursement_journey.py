"""A tiered county's officer moves money from the county's own fiscal special account to its
expenditure account in the browser: an amount beyond the balance is refused next to the field
and nothing moves; a valid one is booked and shows in the list and the balances. An auditor
reads the page without the button."""

import datetime
from decimal import Decimal

import pytest

from funds.ledger.models import Account, JournalEntry
from funds.ledger.selectors import account_for
from funds.ledger.services import PostingLine, accounts_open_for_municipality, entry_post
from pooling.structure.demo import seed_structure
from pooling.structure.presets import CITIES

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
POOLED = "310100"
JINSHUI = "410105"  # 金水区, the county of zhengzhou_county_a (tiered with adjustment fund)


def _county_accounts(city):
    county = city.counties.get(code=JINSHUI)
    fiscal, spending = (
        account_for(municipality=city, county=county, kind=kind, fund_code=POOLED)
        for kind in (Account.Kind.FISCAL_SPECIAL, Account.Kind.EXPENDITURE)
    )
    government = account_for(
        municipality=city,
        county=county,
        kind=Account.Kind.COUNTERPARTY,
        fund_code=POOLED,
        owner=Account.Owner.COUNTY_GOVERNMENT,
    )
    return fiscal, spending, government


def test_officer_disburses_from_the_county_fund_and_the_auditor_only_reads(
    page, login, live_server
):
    city = seed_structure(CITIES["zhengzhou"], log=lambda message: None)
    accounts_open_for_municipality(municipality=city, actor=None)
    fiscal, spending, government = _county_accounts(city)
    entry_post(
        municipality=city,
        kind="opening_balance",
        month=datetime.date(2025, 12, 1),
        effective_date=datetime.date(2025, 12, 31),
        memo="期初",
        actor=None,
        idempotency_key="journey-own-fund",
        lines=[
            PostingLine(government, Decimal("-1000.00")),
            PostingLine(fiscal, Decimal("1000.00")),
        ],
    )

    login("zhengzhou_county_a")
    page.goto(f"{live_server.url}/settlement/plans/")
    page.click("#own-disbursements-link")
    page.click("#new-own-disbursement")

    # More than the fiscal special account holds: refused at the amount, nothing posted.
    page.fill("input[name=amount]", "1200.00")
    page.click("main button[type=submit]")
    assert "200.00" in page.locator(".errorlist").first.inner_text()
    assert not JournalEntry.objects.filter(kind="disbursement").exists()

    page.fill("input[name=amount]", "400.00")
    page.fill("input[name=memo]", "拨付医院结算资金")
    page.click("main button[type=submit]")
    page.wait_for_selector("#own-disbursements")
    assert "拨付医院结算资金" in page.locator("#own-disbursements tbody").inner_text()
    balances = page.locator(f"#own-fund-balances tr[data-county='{JINSHUI}'][data-fund='{POOLED}']")
    assert "600.00" in balances.inner_text() and "400.00" in balances.inner_text()
    fiscal.refresh_from_db()
    spending.refresh_from_db()
    assert (fiscal.balance, spending.balance) == (Decimal("600.00"), Decimal("400.00"))

    page.context.clear_cookies()
    login("zhengzhou_auditor")
    page.goto(f"{live_server.url}/settlement/own-disbursements/")
    assert "拨付医院结算资金" in page.locator("#own-disbursements tbody").inner_text()
    assert page.locator("#new-own-disbursement").count() == 0
