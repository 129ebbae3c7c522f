"""Each reason a claim is refused (DOMAIN §15, N 三(三)), by form/API service and by file with
a row report; nothing is stored on a refusal."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from enrollment.care.models import (
    DecisionStatus,
    DiseaseApplication,
    OutOfAreaFiling,
    SpecifiedDisease,
)
from enrollment.people.models import Scope
from funds.ledger.models import ClosedMonth
from settlement.benefits.claims import services
from settlement.benefits.claims.models import Claim
from settlement.institutions.models import DesignatedInstitution
from tests.factories.claims import D, claim_enter, standard

pytestmark = pytest.mark.django_db


def refusal_codes(call) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as caught:
        call()
    assert not Claim.objects.exists()
    return {
        field: [error.code for error in errors] for field, errors in caught.value.error_dict.items()
    }


def test_a_person_not_insured_on_the_date_is_refused(
    ledger, insured, county_a, make_person, tertiary, inpatient_standard, county_a_officer
):
    later = make_person(county_a, Scope.FLEXIBLE, from_month=D(2024, 9, 1))
    codes = refusal_codes(lambda: claim_enter(later, tertiary, "S1", county_a_officer))
    assert codes == {"person": ["not_insured"]}


def test_a_person_without_a_paid_month_is_not_yet_entitled(
    ledger, insured, county_a, make_person, tertiary, inpatient_standard, county_a_officer
):
    newcomer = make_person(county_a, Scope.FLEXIBLE)
    with pytest.raises(ValidationError, match="not yet entitled on 2024-08-05"):
        claim_enter(newcomer, tertiary, "S1", county_a_officer)


def test_entitlement_starts_the_month_after_the_first_paid_month(
    ledger, insured, tertiary, inpatient_standard, county_a_officer
):
    employee, _retiree = insured
    codes = refusal_codes(
        lambda: claim_enter(employee, tertiary, "S1", county_a_officer, day=D(2024, 6, 20))
    )
    assert codes == {"person": ["not_entitled"]}
    assert claim_enter(employee, tertiary, "S2", county_a_officer, day=D(2024, 7, 1)).pk


def test_an_institution_not_designated_or_suspended_is_refused(
    ledger, insured, county_a, tertiary, inpatient_standard, county_a_officer, city_clerk
):
    employee, _retiree = insured
    DesignatedInstitution.objects.filter(pk=tertiary.pk).update(status="suspended")
    tertiary.refresh_from_db()
    codes = refusal_codes(lambda: claim_enter(employee, tertiary, "S1", county_a_officer))
    assert codes == {"institution": ["not_designated"]}


def test_a_claim_outside_the_agreement_is_refused(
    ledger, insured, tertiary, inpatient_standard, county_a_officer
):
    employee, _retiree = insured
    DesignatedInstitution.objects.filter(pk=tertiary.pk).update(
        agreement_to=datetime.date(2024, 7, 31)
    )
    tertiary.refresh_from_db()
    with pytest.raises(ValidationError, match="has no agreement covering 2024-08-05"):
        claim_enter(employee, tertiary, "S1", county_a_officer)


def test_inconsistent_amounts_are_refused_with_the_expected_figure(
    ledger, insured, tertiary, inpatient_standard, county_a_officer
):
    employee, _retiree = insured
    with pytest.raises(ValidationError, match=r"27,000.01 is not .* \(27,000.00\)"):
        claim_enter(employee, tertiary, "S1", county_a_officer, in_policy="27000.01")


def test_a_settlement_id_is_received_once(
    ledger, insured, tertiary, inpatient_standard, county_a_officer
):
    employee, _retiree = insured
    claim_enter(employee, tertiary, "S1", county_a_officer)
    with pytest.raises(ValidationError) as caught:
        claim_enter(employee, tertiary, "S1", county_a_officer, day=D(2024, 8, 9))
    assert caught.value.error_dict["setl_id"][0].code == "duplicate_settlement"
    assert Claim.objects.count() == 1


def test_a_closed_month_accepts_no_claims_and_no_settlement(
    ledger, insured, tertiary, inpatient_standard, county_a_officer, city_clerk
):
    employee, _retiree = insured
    ClosedMonth.objects.create(municipality=ledger, month=D(2024, 8, 1), closed_by=city_clerk)
    codes = refusal_codes(lambda: claim_enter(employee, tertiary, "S1", county_a_officer))
    assert codes == {"setl_time": ["month_closed"]}
    with pytest.raises(ValidationError, match="2024-08 is closed"):
        services.claims_settle(municipality=ledger, month=D(2024, 8, 1), actor=city_clerk)


def test_a_specified_disease_claim_needs_an_approved_application(
    ledger, insured, county_a, tertiary, bureau_approver, county_a_officer
):
    employee, _retiree = insured
    standard(ledger, bureau_approver, medical_type="specified_disease", deductible=Decimal("0"))
    options = {"med_type": "specified_disease", "total": "800.00", "own": "0.00", "pre": "0.00"}
    codes = refusal_codes(
        lambda: claim_enter(employee, tertiary, "D1", county_a_officer, **options)
    )
    assert codes == {"med_type": ["no_disease_approval"]}
    disease = SpecifiedDisease.objects.create(municipality=ledger, code="M01", name="高血压")
    DiseaseApplication.objects.create(
        person=employee,
        county=county_a,
        disease=disease,
        applied_on=D(2024, 7, 1),
        status=DecisionStatus.APPROVED,
        approved_from=D(2024, 7, 15),
    )
    assert claim_enter(employee, tertiary, "D1", county_a_officer, **options).pk


def test_a_referred_out_claim_needs_an_approved_filing(
    ledger, insured, county_a, tertiary, bureau_approver, county_a_officer
):
    employee, _retiree = insured
    standard(ledger, bureau_approver, referral="referred_out", payment_ratio=Decimal("0.80"))
    codes = refusal_codes(
        lambda: claim_enter(employee, tertiary, "O1", county_a_officer, referral="referred_out")
    )
    assert codes == {"referral": ["no_filing"]}
    OutOfAreaFiling.objects.create(
        person=employee,
        county=county_a,
        kind=OutOfAreaFiling.Kind.REFERRAL_OUT,
        destination="北京",
        reason="转诊",
        valid_from=D(2024, 8, 1),
        valid_to=D(2024, 8, 31),
        status=DecisionStatus.APPROVED,
    )
    assert claim_enter(employee, tertiary, "O1", county_a_officer, referral="referred_out").pk


def test_a_claim_without_a_standard_in_force_is_refused(
    ledger, insured, tertiary, county_a_officer
):
    employee, _retiree = insured
    codes = refusal_codes(lambda: claim_enter(employee, tertiary, "S1", county_a_officer))
    assert codes == {"med_type": ["no_standard"]}


def test_a_county_officer_enters_claims_only_for_their_county(
    ledger, insured, county_b, tertiary, inpatient_standard, county_b_officer, city_clerk
):
    employee, _retiree = insured
    with pytest.raises(ValidationError, match="You may not register anything"):
        claim_enter(employee, tertiary, "S1", county_b_officer)
    assert not Claim.objects.exists()


HEADER = (
    "setl_id,certno,fixmedins_code,med_type,referral,begndate,setl_time,acct_used_flag,"
    "medfee_sumamt,fulamt_ownpay_amt,overlmt_selfpay,preselfpay_amt,inscp_scp_amt"
)


def test_a_file_with_refused_rows_imports_nothing_and_names_each_row(
    ledger, insured, tertiary, inpatient_standard, county_a_officer
):
    employee, _retiree = insured
    code, person = tertiary.code, employee.id_number
    where = f"{person},{code},inpatient,in_city"
    rows = [
        HEADER,
        f"F1,{where},2024-08-05,2024-08-05 10:00:00,1,30000.00,2000.00,0.00,1000.00,27000.00",
        f"F2,{where},2024-08-06,2024-08-06 10:00:00,0,100.00,0.00,0.00,0.00,99.00",
        f"F1,{where},2024-08-07,2024-08-07 10:00:00,0,100.00,0.00,0.00,0.00,100.00",
        f"F4,110105194912310021,{code},inpatient,in_city,2024-08-07,2024-08-07 10:00:00,0,"
        "1.00,0,0,0,1.00",
    ]
    content = ("\n".join(rows) + "\n").encode()
    report = services.claims_import(
        municipality=ledger, file_name="claims.csv", content=content, actor=county_a_officer
    )
    assert report.imported == 0 and not Claim.objects.exists()
    assert [(error.row, error.column) for error in report.errors] == [
        (3, "inscp_scp_amt"),
        (5, "certno"),
        (4, "setl_id"),
    ]
    partial = services.claims_import(
        municipality=ledger,
        file_name="claims.csv",
        content=content,
        actor=county_a_officer,
        import_valid_rows=True,
    )
    assert partial.imported == 1
    stored = Claim.objects.get()
    assert (stored.setl_id, stored.inscp_scp_amt, stored.acct_used_flag) == (
        "F1",
        Decimal("27000.00"),
        True,
    )
