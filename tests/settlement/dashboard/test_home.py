"""The home page per role: what waits for the user, this month's cycle, each fund's balance
and months covered per county with its level, the last imports; a county officer sees their
county only."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from funds.ledger import services
from funds.ledger.models import Account
from funds.ledger.selectors import account_for
from funds.ledger.services import PostingLine
from pooling.core.money import month_start
from settlement.risk.selectors import add_months

POOLED = "310100"


@pytest.fixture
def county_b_funded(jining, county_b):
    """12,000.00 collected into county B's fiscal special account last month, 1,000.00 of it
    spent on benefits: 11,000.00 left."""
    services.accounts_open_for_municipality(municipality=jining, actor=None)
    last_month = add_months(month_start(timezone.localdate()), -1)

    def account(kind, owner=None):
        return account_for(
            municipality=jining, county=county_b, kind=kind, fund_code=POOLED, owner=owner
        )

    fiscal = account(Account.Kind.FISCAL_SPECIAL)
    for key, kind, source, target, amount in [
        (
            "in",
            "collection",
            account(Account.Kind.COUNTERPARTY, Account.Owner.TAX_BUREAU),
            fiscal,
            "12000.00",
        ),
        (
            "out",
            "benefit_payment",
            fiscal,
            account(Account.Kind.COUNTERPARTY, Account.Owner.DESIGNATED_INSTITUTION),
            "1000.00",
        ),
    ]:
        services.entry_post(
            municipality=jining,
            kind=kind,
            month=last_month,
            effective_date=last_month + datetime.timedelta(9),
            memo="",
            actor=None,
            idempotency_key=key,
            lines=[PostingLine(source, -Decimal(amount)), PostingLine(target, Decimal(amount))],
        )
    return jining


def test_the_city_clerk_sees_what_waits_the_cycle_and_each_county_fund(
    county_b_funded, english_client_for, city_clerk
):
    page = english_client_for(city_clerk).get("/").content.decode()
    assert 'id="waiting"' in page and "Annual plans to review" in page
    assert "Usage plans to consolidate" in page
    assert 'id="this-cycle"' in page and "cycle has not been started" in page
    assert "Funds as of" in page and "310100" in page
    # County B's row of the pooled fund: the balance, as money, and its months covered.
    assert "11,000.00" in page and "兖州区" in page


def test_a_county_officer_sees_only_their_county(
    county_b_funded, english_client_for, county_a_officer
):
    page = english_client_for(county_a_officer).get("/").content.decode()
    assert "Usage plans returned to your county" in page
    assert "任城区" in page
    assert "兖州区" not in page and "11,000.00" not in page
    assert 'id="this-cycle"' not in page and 'id="last-imports"' not in page


def test_the_bureau_sees_plans_to_approve_and_the_auditor_only_reads(
    jining, english_client_for, bureau_approver, auditor
):
    assert (
        "Annual plans to approve" in english_client_for(bureau_approver).get("/").content.decode()
    )
    page = english_client_for(auditor).get("/").content.decode()
    assert "Annual plans to approve" not in page and "Start the cycle" not in page
