"""The frozen 70 % of a historical balance (N 三(四)5) through the browser: a county officer
applies to release part of it, the city agency reviews, the bureau approves, and only then
does the frozen amount fall; an auditor reads the balance but gets no form."""

import datetime
from decimal import Decimal

import pytest

from funds.history import services
from funds.history.models import ReleaseApplication
from funds.ledger.models import Account, FundType
from funds.ledger.services import accounts_open_for_municipality
from pooling.accounts.models import User
from pooling.structure.demo import seed_structure
from pooling.structure.presets import CITIES

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_release_of_a_frozen_balance_is_applied_reviewed_and_approved(page, login, live_server):
    jining = seed_structure(CITIES["jining"], log=lambda message: None)
    accounts_open_for_municipality(municipality=jining, actor=None)
    balance = services.historical_balance_register(
        county=jining.counties.get(code="370811"),
        fund_type=FundType.objects.get(code="310100"),
        cutover_date=datetime.date(2019, 12, 31),
        demand_deposit=Decimal("1000000.00"),
        deposits=[],
        actor=User.objects.get(username="jining_clerk"),
    )
    account = Account.objects.get(pk=balance.account_id)
    assert account.frozen_amount == Decimal("700000.00")
    detail = f"{live_server.url}/funds/history/{balance.pk}/"

    login("jining_county_a")
    page.goto(detail)
    page.fill("input[name=amount]", "800000.00")
    page.fill("textarea[name=reason]", "支付历年欠付医疗费用")
    page.click("main form.card button[type=submit]")
    assert page.locator(".errorlist").count() >= 1  # more than the frozen part
    page.fill("input[name=amount]", "12345.67")
    page.fill("textarea[name=reason]", "支付历年欠付医疗费用")
    page.click("main form.card button[type=submit]")
    assert "12,345.67" in page.inner_text("main")

    for username, step in (("jining_clerk", "review"), ("jining_bureau", "approve")):
        page.context.clear_cookies()
        login(username)
        page.goto(detail)
        page.click(f"main table form[data-action={step}] button[type=submit]")
    assert ReleaseApplication.objects.get().status == "approved"
    account.refresh_from_db()
    assert account.frozen_amount == Decimal("687654.33")

    page.context.clear_cookies()
    login("jining_auditor")
    page.goto(detail)
    assert "687,654.33" in page.inner_text("main")
    assert page.locator("main form").count() == 0
