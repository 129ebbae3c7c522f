"""Each city's own funds through the one assessment and collection machinery (DOMAIN §14):
Jinan's 大额医疗费救助金 and Zhengzhou's employee supplementary insurance are assessed as a fixed
amount per person, booked to fund 330100 in the county income account and remitted by the
county's pooling model; nothing reaches Jining's critical-illness fund."""

import datetime
from decimal import Decimal

import pytest

from enrollment.collection_files import services as collection_files_services
from enrollment.contributions import services as contributions_services
from enrollment.contributions.models import Assessment
from enrollment.people import services as people_services
from enrollment.people.models import Employer, Scope
from funds.booking.services import collection_batch_post
from funds.ledger.models import Account, Posting
from funds.ledger.selectors import account_for, ledger_verify
from pooling.accounts.models import User
from settlement.cycle import services as cycle_services
from tests.factories.enrollment import credit_code, resident_id

pytestmark = pytest.mark.django_db

MONTH = datetime.date(2026, 3, 1)


def _employee_assessed(city, county_code: str, clerk: User) -> Assessment:
    county = city.counties.get(code=county_code)
    employer = people_services.employer_create(
        county=county,
        credit_code=credit_code(),
        name="测试单位",
        unit_type=Employer.UnitType.ENTERPRISE,
        actor=clerk,
    )
    person = people_services.person_enroll(
        county=county,
        id_number=resident_id(county_code=county_code),
        name="张三",
        category=Scope.EMPLOYEE,
        employer=employer,
        from_month=datetime.date(2026, 1, 1),
        actor=clerk,
    )
    contributions_services.contribution_base_set(
        person=person, year=2026, yearly_wage=Decimal("60000.00"), actor=clerk
    )
    contributions_services.assessment_run(municipality=city, month=MONTH, actor=clerk)
    return Assessment.objects.get(person=person, month=MONTH)


def _collect(city, assessment: Assessment, clerk: User):
    content = (
        f"payer_code,month,amount\n{assessment.employer.credit_code},2026-03,"
        f"{assessment.total_due}\n"
    ).encode()
    return collection_files_services.collection_file_import(
        municipality=city, file_name="tax-2026-03.csv", content=content, actor=clerk
    ).batch


def _balance(city, county_code, kind, fund):
    county = city.counties.get(code=county_code) if county_code else None
    return account_for(municipality=city, county=county, kind=kind, fund_code=fund).balance


def test_a_jinan_month_of_the_major_medical_fund_to_the_fen(jinan_city):
    clerk = User.objects.get(username="jinan_clerk")
    assessment = _employee_assessed(jinan_city, "370102", clerk)

    # Base 60,000 / 12 = 5,000.00; employer 8 % = 400.00 with no maternity part (Jinan pools
    # none); individual 2 % = 100.00; 大额医疗费救助金 8.00 = employer 4.00 + individual 4.00.
    assert assessment.employer_pooled_fund == Decimal("400.00")
    assert assessment.employer_maternity == Decimal("0.00")
    assert assessment.employer_critical_illness == Decimal("4.00")
    assert assessment.individual_critical_illness == Decimal("4.00")
    assert assessment.total_due == Decimal("508.00")

    _collect(jinan_city, assessment, clerk)
    cycle, _created = cycle_services.cycle_start(municipality=jinan_city, month=MONTH, actor=clerk)
    outcomes = cycle_services.cycle_run_all(cycle=cycle, actor=clerk)
    assert [outcome.status for outcome in outcomes] == ["done"] * 6, outcomes

    # Tiered (J 二): the county's 330100 income went to its own fiscal special account.
    county_income = Posting.objects.filter(
        account__municipality=jinan_city,
        account__county__code="370102",
        account__kind=Account.Kind.INCOME,
        account__fund_type__code="330100",
    )
    assert sorted(county_income.values_list("amount", flat=True)) == [
        Decimal("-8.00"),
        Decimal("8.00"),
    ]
    fiscal = Account.Kind.FISCAL_SPECIAL
    assert _balance(jinan_city, "370102", fiscal, "330100") == Decimal("8.00")
    assert _balance(jinan_city, "370102", fiscal, "310100") == Decimal("400.00")
    assert not Posting.objects.filter(
        account__municipality=jinan_city, account__fund_type__code__in=["910100", "920100"]
    ).exists()
    report = ledger_verify(municipality=jinan_city)
    assert report.ok, report.lines()


def test_zhengzhou_books_its_supplementary_insurance_and_maternity_in_their_own_funds(
    zhengzhou_city,
):
    clerk = User.objects.get(username="zhengzhou_clerk")
    assessment = _employee_assessed(zhengzhou_city, "410122", clerk)

    # Floor 74,000 / 12 × 0.6 = 3,700.00 < 5,000.00; employer 8 % = 400.00 of which maternity
    # 1 % = 50.00; supplementary 10.00 all employer's (demo defaults).
    assert assessment.employer_pooled_fund == Decimal("350.00")
    assert assessment.employer_maternity == Decimal("50.00")
    assert assessment.employer_critical_illness == Decimal("10.00")
    assert assessment.individual_critical_illness == Decimal("0.00")
    assert assessment.total_due == Decimal("510.00")

    batch = _collect(zhengzhou_city, assessment, clerk)
    collection_batch_post(batch=batch, actor=clerk, on=datetime.date(2026, 3, 31))
    income = Account.Kind.INCOME
    assert _balance(zhengzhou_city, "410122", income, "330100") == Decimal("10.00")
    assert _balance(zhengzhou_city, "410122", income, "920100") == Decimal("50.00")
    assert _balance(zhengzhou_city, "410122", income, "310100") == Decimal("350.00")
    assert _balance(zhengzhou_city, "410122", income, "910100") == Decimal("0.00")
