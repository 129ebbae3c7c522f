"""A county officer enters an institution's monthly statement, cuts it with a reason, pays it
from the county expenditure account, and finds the payment against the usage plan; an auditor
sees the statement but no button that changes it."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from funds.ledger import services as ledger_services
from funds.ledger.models import Account
from funds.ledger.selectors import account_for
from funds.ledger.services import PostingLine
from pooling.accounts.models import User
from pooling.structure.demo import seed_structure
from pooling.structure.presets import CITIES
from settlement.benefits.models import BenefitStatement
from settlement.institutions import services as institutions_services

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
D = datetime.date


def _fund_county_a(jining, county) -> Account:
    """The city allocated 1,000.00 to 任城区's pooled-fund expenditure account."""
    ledger_services.accounts_open_for_municipality(municipality=jining, actor=None)
    expenditure = account_for(
        municipality=jining, county=county, kind=Account.Kind.EXPENDITURE, fund_code="310100"
    )
    tax = account_for(
        municipality=jining,
        county=None,
        kind=Account.Kind.COUNTERPARTY,
        fund_code="310100",
        owner=Account.Owner.TAX_BUREAU,
    )
    month = timezone.localdate().replace(day=1)
    ledger_services.entry_post(
        municipality=jining,
        kind="allocation",
        month=month,
        effective_date=month,
        memo="",
        actor=None,
        idempotency_key="journey-fund-a",
        lines=[
            PostingLine(account=tax, amount=Decimal("-1000.00")),
            PostingLine(account=expenditure, amount=Decimal("1000.00")),
        ],
    )
    return expenditure


def test_statement_is_entered_cut_paid_and_counted_against_the_plan(page, login, live_server):
    jining = seed_structure(CITIES["jining"], log=lambda message: None)
    county = jining.counties.get(code="370811")
    expenditure = _fund_county_a(jining, county)
    institutions_services.institution_admit(
        county=county,
        kind="hospital",
        code="H37081100001",
        name="任城区人民医院",
        level="secondary",
        agreement_from=D(2026, 1, 1),
        agreement_to=D(2030, 12, 31),
        admitted_on=D(2025, 12, 1),
        actor=User.objects.get(username="jining_clerk"),
    )

    login("jining_county_a")
    page.goto(f"{live_server.url}/settlement/benefits/enter/")
    page.select_option("select[name=institution]", label="任城区人民医院 (H37081100001)")
    page.fill("input[name=month]", "2026-10")
    page.select_option("select[name=fund_code]", "310100")
    page.fill("input[name=visits]", "57")
    page.fill("input[name=amount_claimed]", "1200.50")
    page.click("main button[type=submit]")
    assert "1,200.50" in page.inner_text("main")

    # A cut without a reason is refused next to the field; with a reason it is recorded.
    page.fill("input[name=amount_approved]", "950.25")
    page.click("main form.card button[type=submit]")
    assert page.locator(".errorlist").count() >= 1
    page.fill("input[name=amount_approved]", "950.25")
    page.fill("textarea[name=cut_reason]", "超量开药")
    page.click("main form.card button[type=submit]")
    assert "超量开药" in page.inner_text("main")

    page.click("text=从县级支出户支付")
    assert "已支付" in page.inner_text("main")
    statement = BenefitStatement.objects.get()
    assert statement.status == "paid" and statement.amount_approved == Decimal("950.25")
    expenditure.refresh_from_db()
    assert expenditure.balance == Decimal("49.75")

    page.goto(f"{live_server.url}/settlement/plans/benefit-use/?year={timezone.localdate().year}")
    row = page.locator("#plan-use tbody tr[data-county='370811']")
    assert "950.25" in row.inner_text() and "over-plan" in row.get_attribute("class")

    page.context.clear_cookies()
    login("jining_auditor")
    page.goto(f"{live_server.url}/settlement/benefits/{statement.pk}/")
    assert "950.25" in page.inner_text("main")
    assert page.locator("main form button").count() == 0
