"""Institutions' monthly statements computed from their settled claims (J 二(四)2): one per
fund, the sum of the claims behind it, typed totals replaced while awaiting review, approved
ones kept, drill-down from the statement to its claims."""

from decimal import Decimal

import pytest
from django.urls import reverse

from settlement.benefits import services as statement_services
from settlement.benefits.claims import services
from settlement.benefits.models import BenefitStatement
from tests.factories.claims import AUGUST, D, account_balance_set, claim_enter, standard

pytestmark = pytest.mark.django_db


@pytest.fixture
def settled_month(ledger, insured, tertiary, bureau_approver, county_a_officer, city_clerk):
    """Two claims of the employee (the second crossing a 25,000.00 ceiling) and a refunded
    one, settled."""
    employee, _retiree = insured
    standard(ledger, bureau_approver, annual_ceiling=Decimal("25000.00"))
    account_balance_set(employee, "500.00")
    claim_enter(employee, tertiary, "S1", county_a_officer, account=True)
    claim_enter(
        employee,
        tertiary,
        "S2",
        county_a_officer,
        day=D(2024, 8, 20),
        total="10000.00",
        own="0.00",
        pre="0.00",
    )
    refunded = claim_enter(
        employee,
        tertiary,
        "S3",
        county_a_officer,
        day=D(2024, 8, 2),
        total="100.00",
        own="0.00",
        pre="0.00",
    )
    services.claims_settle(municipality=ledger, month=AUGUST, actor=city_clerk)
    services.claim_refund(
        claim=refunded,
        setl_id="S3-R",
        setl_time=refunded.setl_time.replace(day=3),
        actor=county_a_officer,
    )
    services.claims_settle(municipality=ledger, month=AUGUST, actor=city_clerk)


def statements() -> dict[str, tuple[int, Decimal, bool]]:
    return {
        statement.fund_type.code: (
            statement.visits,
            statement.amount_claimed,
            statement.from_claims,
        )
        for statement in BenefitStatement.objects.select_related("fund_type")
    }


def test_each_funds_statement_is_the_sum_of_the_settled_claims(ledger, settled_month, city_clerk):
    result = services.benefit_statements_from_claims(
        municipality=ledger, month=AUGUST, actor=city_clerk
    )
    assert result == services.StatementsFromClaims(written=3, kept=[])
    assert statements() == {
        # 22,100.00 + 2,900.00 (the ceiling); the refunded claim nets to nothing.
        "310100": (2, Decimal("25000.00"), True),
        "910100": (1, Decimal("3652.94"), True),
        "310200": (1, Decimal("500.00"), True),
    }
    again = services.benefit_statements_from_claims(
        municipality=ledger, month=AUGUST, actor=city_clerk
    )
    assert again.written == 0


def test_a_typed_total_is_replaced_while_awaiting_review_and_an_approved_one_kept(
    ledger, settled_month, tertiary, county_a_officer, city_clerk
):
    typed = statement_services.benefit_statement_enter(
        institution=tertiary,
        month=AUGUST,
        fund_code="310100",
        visits=9,
        amount_claimed=Decimal("99999.00"),
        actor=county_a_officer,
    )
    approved = statement_services.benefit_statement_enter(
        institution=tertiary,
        month=AUGUST,
        fund_code="310200",
        visits=1,
        amount_claimed=Decimal("480.00"),
        actor=county_a_officer,
    )
    statement_services.benefit_statement_review(
        statement=approved,
        amount_approved=Decimal("480.00"),
        cut_reason="",
        actor=county_a_officer,
    )
    result = services.benefit_statements_from_claims(
        municipality=ledger, month=AUGUST, actor=city_clerk
    )
    assert result.kept == [f"{tertiary.code} 310200"]
    typed.refresh_from_db()
    assert (typed.amount_claimed, typed.visits, typed.from_claims) == (
        Decimal("25000.00"),
        2,
        True,
    )
    approved.refresh_from_db()
    assert (approved.amount_claimed, approved.from_claims) == (Decimal("480.00"), False)


def test_the_statement_page_drills_down_to_its_claims(
    ledger, settled_month, english_client_for, api_for, city_clerk
):
    response = api_for(city_clerk).post("/api/claims/statements/", {"month": "2024-08-01"})
    assert response.json() == {"written": 3, "kept": []}
    statement = BenefitStatement.objects.get(fund_type__code="310100")
    client = english_client_for(city_clerk)
    page = client.get(reverse("settlement:benefit_detail", args=[statement.pk])).content.decode()
    assert "settled claims" in page
    link = f"?institution={statement.institution_id}&amp;month=2024-08&amp;status=settled"
    assert link in page
    listing = client.get(
        reverse("settlement:claim_list"),
        {"institution": statement.institution_id, "month": "2024-08", "status": "settled"},
    ).content.decode()
    assert all(setl_id in listing for setl_id in ("S1", "S2", "S3-R"))
