"""A year end runs only after the year's December is closed: the adjustment fund (service,
page, API), deficit applications, and the simulated year; refused with the reason, nothing
booked."""

import datetime
import zoneinfo
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from funds.ledger.models import Account, FundType, JournalEntry
from funds.ledger.selectors import account_for
from funds.ledger.services import PostingLine, entry_post
from pooling.accounts.models import User
from settlement.cycle.models import MonthlyCycle
from settlement.yearend.models import AdjustmentYear, DeficitApplication
from settlement.yearend.services import adjustment_year_run, deficit_apply
from tests.factories.yearend import GONGYI, YEAR, ZHONGMU, close_december, tier_year

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


@pytest.fixture
def deficit_year(zhengzhou_city):
    tier_year(zhengzhou_city, ZHONGMU, opening="1000.00", collected="1000.00", spent="1800.00")
    tier_year(zhengzhou_city, GONGYI, collected="3000.00", spent="1000.00")
    return zhengzhou_city


def _nothing_booked():
    assert not AdjustmentYear.objects.exists()
    assert not JournalEntry.objects.filter(kind=JournalEntry.Kind.ADJUSTMENT).exists()


def test_the_adjustment_fund_waits_for_december_to_close(deficit_year):
    with pytest.raises(ValidationError) as refused:
        adjustment_year_run(municipality=deficit_year, year=YEAR, actor=None)
    assert "waits for December 2025 to close" in refused.value.message_dict["year"][0]
    _nothing_booked()

    close_december(deficit_year)
    result = adjustment_year_run(municipality=deficit_year, year=YEAR, actor=None)
    assert result.contributions_total == Decimal("400.00")


def test_the_year_that_is_running_cannot_end(deficit_year):
    """The defect: on 2 December 2026 the year end of 2026 ran and locked the year."""
    december = time_machine.travel(datetime.datetime(2026, 12, 2, 9, 0, tzinfo=SHANGHAI))
    with december, pytest.raises(ValidationError) as refused:
        adjustment_year_run(municipality=deficit_year, year=2026, actor=None)
    assert "year" in refused.value.message_dict
    _nothing_booked()


def test_the_adjustment_page_and_api_refuse_with_the_reason(deficit_year, client_for, api_for):
    clerk = User.objects.get(username="zhengzhou_clerk")
    page = client_for(clerk).post(
        reverse("settlement:adjustment_year"), {"year": YEAR, "step": "contributions"}
    )
    assert page.status_code == 400
    assert "2025-12-31" in page.content.decode()
    api = api_for(clerk).post("/api/adjustment-years/run/", {"year": YEAR}, format="json")
    assert api.status_code == 400 and "2025-12-31" in api.json()["year"][0]
    _nothing_booked()


def test_a_deficit_application_waits_for_december_to_close(
    settings, tmp_path, ledger, county_a, county_a_officer
):
    settings.MEDIA_ROOT = tmp_path
    fund = FundType.objects.get(code="310100")

    def account(kind, owner=None):
        return account_for(
            municipality=ledger, county=county_a, kind=kind, fund_code="310100", owner=owner
        )

    spending = account(Account.Kind.EXPENDITURE)
    for key, kind, source, target in (
        (
            "open",
            JournalEntry.Kind.OPENING_BALANCE,
            account(Account.Kind.COUNTERPARTY, Account.Owner.COUNTY_GOVERNMENT),
            spending,
        ),
        (
            "pay",
            JournalEntry.Kind.BENEFIT_PAYMENT,
            spending,
            account(Account.Kind.COUNTERPARTY, Account.Owner.DESIGNATED_INSTITUTION),
        ),
    ):
        entry_post(
            municipality=ledger,
            kind=kind,
            month=datetime.date(2025, 4, 1),
            effective_date=datetime.date(2025, 4, 10),
            memo="test",
            actor=None,
            idempotency_key=f"t:{key}",
            lines=[PostingLine(source, Decimal("-2.00")), PostingLine(target, Decimal("2.00"))],
        )

    def apply():
        return deficit_apply(
            county=county_a,
            fund_type=fund,
            year=2025,
            reason="x",
            attachment=SimpleUploadedFile("a.pdf", b"%PDF-1.4", content_type="application/pdf"),
            actor=county_a_officer,
        )

    with pytest.raises(ValidationError) as refused:
        apply()
    assert "waits for December 2025 to close" in refused.value.message_dict["year"][0]
    assert not DeficitApplication.objects.exists()
    close_december(ledger, 2025)
    assert apply().deficit == Decimal("2.00")


def test_simulate_year_refuses_a_year_that_has_not_ended(db):
    december = time_machine.travel(datetime.datetime(2026, 12, 2, 9, 0, tzinfo=SHANGHAI))
    with december, pytest.raises(CommandError, match="2026 has not ended"):
        call_command("simulate_year", city="jining", year=2026, insured=5)
    assert not MonthlyCycle.objects.exists()
