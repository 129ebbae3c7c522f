"""The monthly plan journey in a real browser: the county submits, the city consolidates, the
bureau approves and requests funds, finance confirms, the city allocates, the county sees the
money in its expenditure account."""

import pytest
from django.utils import timezone

from funds.ledger.models import Account
from funds.ledger.selectors import account_for
from pooling.core.money import month_start, next_month
from pooling.rules.models import PolicyRule
from tests.factories.plans import fund_fiscal_account, prepare_year

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_plan_journey(page, login, live_server):
    from pooling.structure.demo import seed_structure
    from pooling.structure.presets import CITIES

    jining = seed_structure(CITIES["jining"], log=lambda message: None)
    month = next_month(month_start(timezone.localdate()))
    prepare_year(jining, year=month.year)
    fund_fiscal_account(jining, "1000000.00")
    # Whatever today is, a late plan is accepted.
    PolicyRule.objects.filter(municipality=jining, key="late_usage_plan_accepted").update(value=1)

    login("jining_county_a")
    page.goto(f"{live_server.url}/settlement/plans/new/")
    page.select_option("select[name=form-0-fund_type]", label="310100 职工基本医疗保险统筹基金")
    page.select_option("select[name=form-0-purpose]", "benefits")
    page.fill("input[name=form-0-amount]", "12345.67")
    assert page.inner_text("#plan-total") == "12345.67"
    page.click("#submit-plan")
    page.wait_for_selector("#plan-status")
    page.context.clear_cookies()

    login("jining_clerk")
    page.goto(f"{live_server.url}/settlement/plans/consolidation/?month={month:%Y-%m}")
    assert "12,345.67" in page.inner_text("#county-plans")
    page.click("#consolidate")
    page.wait_for_selector("#city-plan-status")
    city_plan_url = page.url
    page.context.clear_cookies()

    login("jining_bureau")
    page.goto(city_plan_url)
    page.click("#action-city_plan_approve")
    page.click("#action-city_plan_request")
    page.wait_for_selector("#city-plan-status")
    page.context.clear_cookies()

    login("jining_finance")
    page.goto(city_plan_url)
    page.click("#action-city_plan_disburse")
    page.wait_for_selector("#city-plan-status")
    page.context.clear_cookies()

    login("jining_clerk")
    page.goto(city_plan_url)
    page.click("#action-city_plan_allocate")
    page.wait_for_selector("#city-plan-status")
    page.context.clear_cookies()

    county = jining.counties.get(code="370811")
    account = account_for(
        municipality=jining, county=county, kind=Account.Kind.EXPENDITURE, fund_code="310100"
    )
    login("jining_county_a")
    page.goto(f"{live_server.url}/funds/accounts/{account.pk}/")
    assert "12,345.67" in page.inner_text("main")
