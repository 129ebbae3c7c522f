"""Fixtures of the benefit tests: two hospitals and a funded expenditure account."""

import pytest

from funds.ledger.models import Account
from funds.ledger.selectors import account_for
from tests.factories.benefits import benefit_accounts, institution_admitted


@pytest.fixture
def hospital_a(ledger, county_a, city_clerk):
    return institution_admitted(county_a, "H37081100001", "任城区人民医院", city_clerk)


@pytest.fixture
def hospital_b(ledger, county_b, city_clerk):
    return institution_admitted(county_b, "H37081200001", "兖州区人民医院", city_clerk)


@pytest.fixture
def funded_a(ledger, county_a, post):
    """County A's pooled-fund expenditure account holds 1000.00 (allocated by the city)."""
    expenditure, _institution = benefit_accounts(ledger, county_a)
    city = account_for(
        municipality=ledger, county=None, kind=Account.Kind.EXPENDITURE, fund_code="310100"
    )
    tax = account_for(
        municipality=ledger,
        county=None,
        kind=Account.Kind.COUNTERPARTY,
        fund_code="310100",
        owner=Account.Owner.TAX_BUREAU,
    )
    post("fund-city", (tax, "-1000.00"), (city, "1000.00"))
    post("allocate-a", (city, "-1000.00"), (expenditure, "1000.00"), kind="allocation")
    return expenditure


@pytest.fixture(autouse=True)
def _english(english_messages):
    """Every test here asserts service messages in English."""
