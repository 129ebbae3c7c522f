"""A month from the tax bureau's file to the fiscal special account: collections posted at
the cut-off, retirees credited, everything remitted, the ledger verified."""

from decimal import Decimal

import pytest

from enrollment.collection_files.models import CollectionBatch
from enrollment.personal_accounts.selectors import personal_account_total
from funds.ledger.models import Account
from funds.ledger.selectors import account_for, ledger_verify
from settlement.cycle import services
from tests.factories.booking import MONTH

pytestmark = pytest.mark.django_db


def test_the_cycle_posts_the_collections_and_moves_them_to_the_fiscal_account(
    ledger,
    batch,
    county_a,
    county_b,
    city_clerk,
):
    cycle, _created = services.cycle_start(municipality=ledger, month=MONTH, actor=city_clerk)
    outcomes = services.cycle_run_all(cycle=cycle, actor=city_clerk)
    assert [outcome.status for outcome in outcomes] == ["done"] * 6, outcomes

    batch.refresh_from_db()
    assert batch.status == CollectionBatch.Status.POSTED
    cutoff = cycle.steps.get(name="collections_cutoff")
    assert cutoff.details["collection_batches_posted"] == 1
    assert cutoff.details["retirees_credited"] == 1

    def fiscal(fund):
        return account_for(
            municipality=ledger, county=None, kind=Account.Kind.FISCAL_SPECIAL, fund_code=fund
        ).balance

    # 1,725.00 collected: the employees' 200.00 and the retiree's monthly 90.00 (from the
    # pooled fund) stay in county A's personal-account control; the rest of the pooled fund
    # (800 + 690 + 5 unmatched − 90) and the critical illness (20 + 10) reach the finance
    # bureau's fiscal special account.
    assert personal_account_total(municipality=ledger, county=county_a) == Decimal("290.00")
    assert fiscal("310100") == Decimal("1405.00")
    assert fiscal("910100") == Decimal("30.00")
    for account in Account.objects.filter(municipality=ledger, kind=Account.Kind.INCOME):
        assert account.balance == Decimal("0.00"), account.name
    control = account_for(
        municipality=ledger,
        county=county_a,
        kind=Account.Kind.PERSONAL_ACCOUNT_CONTROL,
        fund_code="310200",
    )
    assert control.balance == personal_account_total(municipality=ledger, county=county_a)
    report = ledger_verify(municipality=ledger)
    assert report.ok, report.lines()


def test_unfunded_retiree_credits_stay_pending_and_the_month_still_closes(
    ledger, assessed, city_clerk
):
    """With no pooled income yet, the retiree's credit cannot be paid from it: the cut-off
    says so, nothing is credited, and the remittance and close go on."""
    cycle, _created = services.cycle_start(municipality=ledger, month=MONTH, actor=city_clerk)
    outcomes = services.cycle_run_all(cycle=cycle, actor=city_clerk)
    assert [outcome.status for outcome in outcomes] == ["done"] * 6
    cutoff = cycle.steps.get(name="collections_cutoff")
    assert cutoff.details["retirees_credited"] == 0
    assert cutoff.details["retiree_credits_pending"]
    assert personal_account_total(municipality=ledger) == Decimal("0.00")
