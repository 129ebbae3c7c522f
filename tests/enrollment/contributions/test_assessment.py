"""The monthly assessment (N 三(二)1–2) with the Jining defaults: exact amounts to the fen."""

import datetime
from decimal import Decimal

import pytest

from enrollment.contributions.models import Assessment
from enrollment.contributions.services import assessment_run
from enrollment.people.models import Employer, Scope
from enrollment.people.services import episode_add
from pooling.rules.services import policy_rule_add_version
from tests.factories.enrollment import ASSESSMENT_PARTS

D = datetime.date
MONTH = D(2024, 6, 1)
pytestmark = pytest.mark.django_db


def _assess(jining, month=MONTH, actor=None):
    return assessment_run(municipality=jining, month=month, actor=actor)


def _row(person, month=MONTH) -> dict:
    return Assessment.objects.filter(person=person, month=month).values(*ASSESSMENT_PARTS).get()


def _expect(**parts: str) -> dict:
    """Every part of an assessment: those named, and zero for the others."""
    assert set(parts) <= set(ASSESSMENT_PARTS), set(parts) - set(ASSESSMENT_PARTS)
    return {part: Decimal(parts.get(part, "0")) for part in ASSESSMENT_PARTS}


def test_public_institution_employee_pays_7_4_percent_of_which_0_4_maternity(
    jining, county_a, make_employer, make_person
):
    employer = make_employer(county_a, Employer.UnitType.PUBLIC)
    person = make_person(county_a, employer=employer, wage="96000.00")  # base 8000.00
    _assess(jining)
    assert _row(person) == _expect(
        base="8000.00",
        employer_pooled_fund="560.00",
        employer_maternity="32.00",
        employer_critical_illness="6.00",
        individual_personal_account="160.00",
        individual_critical_illness="4.00",
        employer_total="598.00",
        individual_total="164.00",
        total_due="762.00",
    )


def test_enterprise_employee_pays_8_percent_of_which_1_maternity(
    jining, county_a, make_employer, make_person
):
    employer = make_employer(county_a, Employer.UnitType.ENTERPRISE)
    person = make_person(county_a, employer=employer, wage="60000.00")  # base 5000.00
    _assess(jining)
    assert _row(person) == _expect(
        base="5000.00",
        employer_pooled_fund="350.00",
        employer_maternity="50.00",
        employer_critical_illness="6.00",
        individual_personal_account="100.00",
        individual_critical_illness="4.00",
        employer_total="406.00",
        individual_total="104.00",
        total_due="510.00",
    )


def test_individual_business_employee_below_the_floor_pays_on_60_percent_of_average(
    jining, county_a, make_employer, make_person
):
    employer = make_employer(county_a, Employer.UnitType.INDIVIDUAL_BUSINESS)
    person = make_person(
        county_a, Scope.BUSINESS_EMPLOYEE, employer=employer, wage="30000.00"
    )  # 2500.00 a month, floored at 88000 / 12 × 0.6 = 4400.00
    _assess(jining)
    assert _row(person) == _expect(
        base="4400.00",
        employer_pooled_fund="308.00",
        employer_maternity="44.00",
        employer_critical_illness="6.00",
        individual_personal_account="88.00",
        individual_critical_illness="4.00",
        employer_total="358.00",
        individual_total="92.00",
        total_due="450.00",
    )


def test_high_wage_is_capped_at_300_percent_of_average(
    jining, county_a, make_employer, make_person
):
    employer = make_employer(county_a, Employer.UnitType.ENTERPRISE)
    person = make_person(county_a, employer=employer, wage="400000.00")  # cap 22000.00
    _assess(jining)
    assert _row(person) == _expect(
        base="22000.00",
        employer_pooled_fund="1540.00",
        employer_maternity="220.00",
        employer_critical_illness="6.00",
        individual_personal_account="440.00",
        individual_critical_illness="4.00",
        employer_total="1766.00",
        individual_total="444.00",
        total_due="2210.00",
    )


def test_amounts_round_half_up_to_the_fen(jining, county_a, make_employer, make_person):
    employer = make_employer(county_a, Employer.UnitType.PUBLIC)
    # 52803.00 / 12 = 4400.25; × 2 % = 88.005 → 88.01 (half-up, not half-even 88.00);
    # × 7.4 % = 325.6185 → 325.62; × 0.4 % = 17.601 → 17.60.
    person = make_person(county_a, employer=employer, wage="52803.00")
    _assess(jining)
    assert _row(person) == _expect(
        base="4400.25",
        employer_pooled_fund="308.02",
        employer_maternity="17.60",
        employer_critical_illness="6.00",
        individual_personal_account="88.01",
        individual_critical_illness="4.00",
        employer_total="331.62",
        individual_total="92.01",
        total_due="423.63",
    )


def test_flexible_worker_pays_9_percent_of_provincial_average_and_whole_premium(
    jining, county_a, make_person
):
    person = make_person(county_a, Scope.FLEXIBLE)
    _assess(jining)
    # 88000 × 9 % / 12 = 660.00, plus the whole critical-illness premium 10.00.
    assert _row(person) == _expect(
        base="7333.33",
        individual_pooled_fund="660.00",
        individual_critical_illness="10.00",
        individual_total="670.00",
        total_due="670.00",
    )


def test_retiree_pays_no_premium_but_gets_the_monthly_account_amount(
    jining, county_a, make_employer, make_person
):
    employer = make_employer(county_a)
    with_employer = make_person(county_a, Scope.RETIREE, employer=employer)
    without_employer = make_person(county_a, Scope.RETIREE)
    _assess(jining)
    # Critical illness 10 a month: employer 6 + individual 4 (N 三(二)2); none of the 7 %.
    assert _row(with_employer) == _expect(
        employer_critical_illness="6.00",
        individual_critical_illness="4.00",
        employer_total="6.00",
        individual_total="4.00",
        total_due="10.00",
        retiree_account_credit="90.00",
    )
    assert _row(without_employer) == _expect(
        individual_critical_illness="10.00",
        individual_total="10.00",
        total_due="10.00",
        retiree_account_credit="90.00",
    )


def test_retiree_of_bankrupt_employer_owes_only_the_individual_premium(
    jining, county_a, make_employer, make_person
):
    employer = make_employer(
        county_a, status=Employer.Status.BANKRUPT, bankruptcy_date=D(2023, 5, 1)
    )
    person = make_person(county_a, Scope.RETIREE, employer=employer)
    _assess(jining)
    assert _row(person) == _expect(
        individual_critical_illness="4.00",
        individual_total="4.00",
        total_due="4.00",
        retiree_account_credit="90.00",
    )


def test_rate_change_takes_effect_from_its_month(
    jining, county_a, make_employer, make_person, bureau_approver
):
    policy_rule_add_version(
        municipality=jining,
        key="employer_rate_other",
        value=Decimal("0.085"),
        effective_from=D(2024, 7, 1),
        actor=bureau_approver,
    )
    employer = make_employer(county_a, Employer.UnitType.ENTERPRISE)
    person = make_person(county_a, employer=employer, wage="60000.00")
    _assess(jining, D(2024, 6, 1))
    _assess(jining, D(2024, 7, 1))
    june, july = _row(person, D(2024, 6, 1)), _row(person, D(2024, 7, 1))
    assert (june["employer_pooled_fund"], june["employer_total"]) == (
        Decimal("350.00"),
        Decimal("406.00"),
    )
    # 5000 × 8.5 % = 425.00, of which maternity 1 % = 50.00.
    assert (july["employer_pooled_fund"], july["employer_total"]) == (
        Decimal("375.00"),
        Decimal("431.00"),
    )


def test_rerun_changes_nothing_and_a_person_added_later_is_assessed_next_run(
    jining, county_a, county_b, make_employer, make_person
):
    employer = make_employer(county_a)
    first = make_person(county_a, employer=employer, wage="60000.00")
    assert _assess(jining).created == 1
    before = list(Assessment.objects.values_list("pk", "total_due"))
    assert _assess(jining).created == 0
    assert list(Assessment.objects.values_list("pk", "total_due")) == before
    later = make_person(county_b, Scope.FLEXIBLE)
    assert _assess(jining).created == 1
    assert Assessment.objects.filter(month=MONTH).count() == 2
    assert Assessment.objects.get(person=later).county == county_b
    assert Assessment.objects.filter(person=first).count() == 1


def test_employee_without_base_is_skipped_and_counted(jining, county_a, make_employer, make_person):
    employer = make_employer(county_a)
    make_person(county_a, employer=employer)
    result = _assess(jining)
    assert (result.created, result.missing_base) == (0, 1)


def test_ended_episode_is_not_assessed(jining, county_a, make_person, city_clerk):
    person = make_person(county_a, Scope.STUDENT)  # the resident scheme is not assessed here
    episode_add(
        person=person,
        scope=Scope.FLEXIBLE,
        county=county_a,
        from_month=D(2024, 1, 1),
        to_month=D(2024, 5, 1),
        actor=city_clerk,
    )
    assert _assess(jining).created == 0
    assert _assess(jining, D(2024, 5, 1)).created == 1


def test_assessment_task_runs_the_service(jining, county_a, make_person):
    from enrollment.contributions.tasks import assessment_run_task

    make_person(county_a, Scope.FLEXIBLE)
    assert assessment_run_task(jining.pk, "2024-06-01") == 1
    assert assessment_run_task(jining.pk, "2024-06-01") == 0
