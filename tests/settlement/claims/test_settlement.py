"""Settlement of claims to the fen (DOMAIN §15): the issue's worked example, a retiree, a
second admission, a claim crossing the annual ceiling, a refund restoring the accumulators,
and a re-run giving identical figures."""

from decimal import Decimal

import pytest

from settlement.benefits.claims import services
from settlement.benefits.claims.models import Claim
from tests.factories.claims import AUGUST, D, account_balance_set, claim_enter, standard

pytestmark = pytest.mark.django_db

OUTPUTS = (
    "admission_number",
    "act_pay_dedc",
    "pool_prop_selfpay",
    "ceiling_used_before",
    "ceiling_used_after",
    "hifp_pay",
    "segment_base",
    "hifmi_pay",
    "hifob_pay",
    "fund_pay_sumamt",
    "psn_part_amt",
    "acct_pay",
    "psn_cash_pay",
)


def settle(ledger, clerk, month=AUGUST):
    return services.claims_settle(municipality=ledger, month=month, actor=clerk)


def outputs(claim: Claim) -> dict:
    claim.refresh_from_db()
    return {name: getattr(claim, name) for name in OUTPUTS}


def test_the_issues_worked_example_settles_to_the_fen(
    ledger, insured, tertiary, inpatient_standard, county_a_officer, city_clerk
):
    employee, _retiree = insured
    account_balance_set(employee, "500.00")
    claim = claim_enter(employee, tertiary, "S1", county_a_officer, account=True)
    assert claim.inscp_scp_amt == Decimal("27000.00")

    assert settle(ledger, city_clerk) == services.SettlementResult(settled=1, unpriced=0)
    claim.refresh_from_db()
    assert claim.status == Claim.Status.SETTLED
    assert claim.standard == inpatient_standard
    assert (claim.act_pay_dedc, claim.hifp_pay, claim.pool_prop_selfpay) == (
        Decimal("1000.00"),
        Decimal("22100.00"),
        Decimal("0.8500"),
    )
    assert (claim.hifmi_pay, claim.hifob_pay, claim.fund_pay_sumamt) == (
        Decimal("0.00"),
        Decimal("0.00"),
        Decimal("22100.00"),
    )
    assert (claim.psn_part_amt, claim.acct_pay, claim.psn_cash_pay) == (
        Decimal("7900.00"),
        Decimal("500.00"),
        Decimal("7400.00"),
    )
    assert (claim.account_balance, claim.ceiling_used_after) == (
        Decimal("500.00"),
        Decimal("22100.00"),
    )


def test_without_account_payment_the_person_pays_cash(
    ledger, insured, tertiary, inpatient_standard, county_a_officer, city_clerk
):
    employee, _retiree = insured
    account_balance_set(employee, "500.00")
    claim = claim_enter(employee, tertiary, "S1", county_a_officer)
    settle(ledger, city_clerk)
    claim.refresh_from_db()
    assert (claim.acct_pay, claim.psn_cash_pay) == (Decimal("0.00"), Decimal("7900.00"))


def test_the_account_pays_across_claims_only_what_it_holds(
    ledger, insured, tertiary, inpatient_standard, county_a_officer, city_clerk
):
    employee, _retiree = insured
    account_balance_set(employee, "8000.00")
    first = claim_enter(employee, tertiary, "S1", county_a_officer, account=True)
    second = claim_enter(
        employee,
        tertiary,
        "S2",
        county_a_officer,
        account=True,
        day=D(2024, 8, 20),
        total="1000.00",
        own="0.00",
        pre="0.00",
    )
    settle(ledger, city_clerk)
    assert outputs(first)["acct_pay"] == Decimal("7900.00")
    # The second claim: 1,000.00 in policy, all of it the deductible (500.00 from the second
    # admission) … the person's part 575.00, of which the account still holds 100.00.
    second_out = outputs(second)
    assert second_out["act_pay_dedc"] == Decimal("500.00")
    assert second_out["hifp_pay"] == Decimal("425.00")
    assert second_out["psn_part_amt"] == Decimal("575.00")
    assert (second_out["acct_pay"], second_out["psn_cash_pay"]) == (
        Decimal("100.00"),
        Decimal("475.00"),
    )


def test_a_retiree_is_paid_at_the_retirees_ratio(
    ledger, insured, tertiary, inpatient_standard, bureau_approver, county_a_officer, city_clerk
):
    _employee, retiree = insured
    standard(ledger, bureau_approver, person_category="retired", payment_ratio=Decimal("0.90"))
    claim = claim_enter(
        retiree, tertiary, "R1", county_a_officer, total="12345.67", own="345.67", pre="0.00"
    )
    settle(ledger, city_clerk)
    result = outputs(claim)
    # (12,000.00 − 1,000.00) × 90 % = 9,900.00; the person's part 12,345.67 − 9,900.00.
    assert (result["act_pay_dedc"], result["hifp_pay"], result["psn_part_amt"]) == (
        Decimal("1000.00"),
        Decimal("9900.00"),
        Decimal("2445.67"),
    )
    assert result["pool_prop_selfpay"] == Decimal("0.9000")


def test_the_second_admission_of_the_year_bears_the_lower_deductible(
    ledger, insured, tertiary, inpatient_standard, county_a_officer, city_clerk
):
    employee, _retiree = insured
    first = claim_enter(employee, tertiary, "S1", county_a_officer)
    second = claim_enter(
        employee,
        tertiary,
        "S2",
        county_a_officer,
        day=D(2024, 8, 20),
        total="10000.05",
        own="0.00",
        pre="0.00",
    )
    settle(ledger, city_clerk)
    assert outputs(first)["admission_number"] == 1
    result = outputs(second)
    # (10,000.05 − 500.00) × 85 % = 8,075.0425 → 8,075.04 (half-up to the fen).
    assert (result["admission_number"], result["act_pay_dedc"], result["hifp_pay"]) == (
        2,
        Decimal("500.00"),
        Decimal("8075.04"),
    )
    assert (result["ceiling_used_before"], result["ceiling_used_after"]) == (
        Decimal("22100.00"),
        Decimal("30175.04"),
    )


def test_a_claim_crossing_the_ceiling_sends_the_rest_to_the_critical_illness_insurance(
    ledger, insured, tertiary, bureau_approver, county_a_officer, city_clerk
):
    employee, _retiree = insured
    standard(ledger, bureau_approver, annual_ceiling=Decimal("25000.00"))
    claim_enter(employee, tertiary, "S1", county_a_officer)
    crossing = claim_enter(
        employee,
        tertiary,
        "S2",
        county_a_officer,
        day=D(2024, 8, 20),
        total="10000.00",
        own="0.00",
        pre="0.00",
    )
    after = claim_enter(
        employee,
        tertiary,
        "S3",
        county_a_officer,
        day=D(2024, 8, 28),
        total="2000.00",
        own="0.00",
        pre="0.00",
    )
    settle(ledger, city_clerk)
    result = outputs(crossing)
    # Uncapped (10,000 − 500) × 85 % = 8,075.00; 2,900.00 of room left under 25,000.00.
    assert result["hifp_pay"] == Decimal("2900.00")
    # The cost the ceiling left unpaid, 5,175.00 / 85 % = 6,088.235 → 6,088.24, × 60 %.
    assert result["segment_base"] == Decimal("6088.24")
    assert result["hifmi_pay"] == Decimal("3652.94")
    assert result["fund_pay_sumamt"] == Decimal("6552.94")
    assert result["psn_part_amt"] == Decimal("3447.06")
    assert result["ceiling_used_after"] == Decimal("25000.00")
    beyond = outputs(after)
    # At the ceiling: nothing from the basic fund; (2,000 − 500) × 60 % above it.
    assert (beyond["hifp_pay"], beyond["segment_base"], beyond["hifmi_pay"]) == (
        Decimal("0.00"),
        Decimal("1500.00"),
        Decimal("900.00"),
    )


def test_jinans_large_expense_fund_pays_above_the_ceiling_as_hifob_pay(
    ledger, insured, tertiary, bureau_approver, county_a_officer, city_clerk
):
    employee, _retiree = insured
    standard(
        ledger,
        bureau_approver,
        annual_ceiling=Decimal("20000.00"),
        segment_fund="large_expense",
        segment_ratio=Decimal("0.90"),
        segment_ceiling=Decimal("1000.00"),
    )
    claim = claim_enter(employee, tertiary, "S1", county_a_officer)
    settle(ledger, city_clerk)
    result = outputs(claim)
    # 22,100.00 uncapped, 20,000.00 paid; 2,100 / 0.85 = 2,470.59 × 90 % = 2,223.53, but the
    # segment's own ceiling is 1,000.00.
    assert (result["hifp_pay"], result["hifmi_pay"], result["hifob_pay"]) == (
        Decimal("20000.00"),
        Decimal("0.00"),
        Decimal("1000.00"),
    )
    assert result["fund_pay_sumamt"] == Decimal("21000.00")


def test_a_refund_reverses_the_claim_and_restores_the_accumulators(
    ledger, insured, tertiary, bureau_approver, county_a_officer, city_clerk
):
    employee, _retiree = insured
    standard(ledger, bureau_approver, annual_ceiling=Decimal("25000.00"))
    account_balance_set(employee, "500.00")
    original = claim_enter(employee, tertiary, "S1", county_a_officer, account=True)
    settle(ledger, city_clerk)
    refund = services.claim_refund(
        claim=original,
        setl_id="S1-R",
        setl_time=original.setl_time.replace(day=6),
        actor=county_a_officer,
    )
    later = claim_enter(
        employee,
        tertiary,
        "S2",
        county_a_officer,
        day=D(2024, 8, 20),
        account=True,
        total="10000.00",
        own="0.00",
        pre="0.00",
    )
    settle(ledger, city_clerk)
    reversed_out = outputs(refund)
    assert refund.medfee_sumamt == Decimal("-30000.00")
    assert (reversed_out["act_pay_dedc"], reversed_out["hifp_pay"]) == (
        Decimal("-1000.00"),
        Decimal("-22100.00"),
    )
    assert (reversed_out["psn_part_amt"], reversed_out["acct_pay"]) == (
        Decimal("-7900.00"),
        Decimal("-500.00"),
    )
    assert reversed_out["psn_cash_pay"] == Decimal("-7400.00")
    assert reversed_out["ceiling_used_after"] == Decimal("0.00")
    result = outputs(later)
    # The refunded admission no longer counts: the first deductible again, the whole ceiling
    # room and the whole account.
    assert (result["admission_number"], result["act_pay_dedc"], result["hifp_pay"]) == (
        1,
        Decimal("1000.00"),
        Decimal("7650.00"),
    )
    assert (result["ceiling_used_before"], result["acct_pay"]) == (
        Decimal("0.00"),
        Decimal("500.00"),
    )


def test_resettling_gives_identical_figures(
    ledger, insured, tertiary, inpatient_standard, county_a_officer, city_clerk
):
    employee, _retiree = insured
    claims = [
        claim_enter(employee, tertiary, f"S{day}", county_a_officer, day=D(2024, 8, day))
        for day in (3, 9, 17)
    ]
    settle(ledger, city_clerk)
    first = [outputs(claim) for claim in claims]
    settle(ledger, city_clerk)
    assert [outputs(claim) for claim in claims] == first


def test_a_refund_needs_a_settled_claim_once(
    ledger, insured, tertiary, inpatient_standard, county_a_officer, city_clerk
):
    employee, _retiree = insured
    claim = claim_enter(employee, tertiary, "S1", county_a_officer)
    with pytest.raises(Exception, match="Only a settled claim"):
        services.claim_refund(
            claim=claim, setl_id="S1-R", setl_time=claim.setl_time, actor=county_a_officer
        )
    settle(ledger, city_clerk)
    services.claim_refund(
        claim=claim, setl_id="S1-R", setl_time=claim.setl_time, actor=county_a_officer
    )
    with pytest.raises(Exception, match="already been refunded"):
        services.claim_refund(
            claim=claim, setl_id="S1-R2", setl_time=claim.setl_time, actor=county_a_officer
        )
