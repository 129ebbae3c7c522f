"""Resident enrollment for a benefit year, the long-term enrollment mechanism and the
set-based assessment (DOMAIN §13; 国办发〔2024〕38号)."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from enrollment.people.models import Scope
from enrollment.residents import services
from enrollment.residents.models import (
    AssistedGroup,
    Payer,
    ResidentCategory,
    ResidentContribution,
    ResidentEnrollment,
)
from enrollment.residents.selectors import enrollment_period
from pooling.rules import services as rules_services

D = datetime.date
YEAR = 2026
IN_PERIOD = D(2025, 10, 15)


@pytest.fixture
def resident(make_person, county_a):
    def make(**extra):
        return make_person(county_a, category=extra.pop("category", Scope.RESIDENT_OTHER), **extra)

    return make


def enrol(person, year=YEAR, on=None, actor=None, **extra):
    return services.resident_enroll(
        person=person,
        benefit_year=year,
        category=extra.pop("category", ResidentCategory.OTHER),
        enrolled_on=on or D(year - 1, 10, 15),
        actor=actor,
        **extra,
    )


def test_the_enrollment_period_is_the_dated_rule(jining):
    assert enrollment_period(municipality=jining, benefit_year=YEAR) == (
        D(2025, 9, 1),
        D(2025, 12, 31),
    )


def test_enrolling_in_the_period_has_no_waiting_and_is_assessed_at_once(resident, city_clerk):
    enrollment = enrol(resident(), actor=city_clerk, category=ResidentCategory.ELDERLY)
    assert enrollment.late is False
    assert enrollment.waiting_months == 0
    assert enrollment.benefits_from == D(2026, 1, 1)
    assert enrollment.contribution.amount == Decimal("400.00")
    assert enrollment.contribution.payer == Payer.SELF


def test_a_late_enrollee_waits_the_fixed_months(resident, city_clerk):
    enrollment = enrol(resident(), on=D(2026, 4, 10), actor=city_clerk)
    assert enrollment.late is True
    assert enrollment.waiting_months == 3
    assert enrollment.benefits_from == D(2026, 7, 10)


def test_each_further_year_without_enrollment_adds_a_month_up_to_the_maximum(resident, city_clerk):
    person = resident()
    enrol(person, year=2021, actor=city_clerk)
    # 2022–2025 without enrollment: 4 years; 3 + 1 × 3 = 6 months, the maximum.
    enrollment = enrol(person, year=2026, actor=city_clerk)
    assert enrollment.years_without_enrollment == 4
    assert enrollment.waiting_months == 6
    assert enrollment.benefits_from == D(2026, 7, 1)
    other = resident()
    enrol(other, year=2023, actor=city_clerk)
    second = enrol(other, year=2026, on=D(2026, 2, 3), actor=city_clerk)
    assert (second.years_without_enrollment, second.waiting_months) == (2, 4)
    assert second.benefits_from == D(2026, 6, 3)


def test_an_assisted_resident_has_no_waiting_period_and_their_payer_is_recorded(
    resident, city_clerk
):
    enrollment = enrol(
        resident(),
        on=D(2026, 5, 1),
        actor=city_clerk,
        assisted_group=AssistedGroup.MINIMUM_LIVING,
        payer=Payer.MEDICAL_ASSISTANCE,
    )
    assert enrollment.waiting_months == 0
    assert enrollment.benefits_from == D(2026, 5, 1)
    assert enrollment.contribution.payer == Payer.MEDICAL_ASSISTANCE


def test_continuous_enrollment_and_claim_free_years_raise_the_ceiling(resident, city_clerk):
    person = resident()
    for year in range(2020, 2026):
        enrollment = enrol(person, year=year, actor=city_clerk)
        if year in (2023, 2025):
            services.resident_claim_free_record(
                enrollment=enrollment, claim_free=True, actor=city_clerk
            )
    latest = enrol(person, year=2026, actor=city_clerk)
    # 7 continuous years: 3 beyond the 4 → 3 × 1,000; two claim-free years → 2 × 1,000.
    assert latest.continuous_years == 7
    assert latest.claim_free_years == 2
    assert latest.ceiling_increment == Decimal("5000.00")


def test_refusals_name_the_field_and_write_nothing(
    resident, make_person, county_a, county_b, county_b_officer, city_clerk
):
    person = resident()
    with pytest.raises(ValidationError) as error:
        enrol(person, on=D(2025, 8, 31), actor=city_clerk)
    assert "2025-09-01" in str(error.value.message_dict["enrolled_on"])
    with pytest.raises(ValidationError) as error:
        enrol(person, actor=city_clerk, assisted_group=AssistedGroup.EXTREME_POVERTY)
    assert "payer" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        enrol(person, actor=city_clerk, payer=Payer.CIVIL_AFFAIRS)
    assert "payer" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        enrol(person, actor=county_b_officer)
    assert "person" in error.value.message_dict
    employee = make_person(county_a, category=Scope.FLEXIBLE)
    with pytest.raises(ValidationError) as error:
        enrol(employee, actor=city_clerk)
    assert "person" in error.value.message_dict
    enrol(person, actor=city_clerk)
    with pytest.raises(ValidationError) as error:
        enrol(person, actor=city_clerk)
    assert "benefit_year" in error.value.message_dict
    assert ResidentEnrollment.objects.count() == 1


def test_the_annual_assessment_is_set_based_per_county_and_category_and_runs_once(
    jining, resident, city_clerk, bureau_approver, county_a
):
    rules_services.policy_rule_add_version(
        municipality=jining,
        key="resident_contribution_college_student",
        value=Decimal("350"),
        effective_from=D(2026, 1, 1),
        actor=bureau_approver,
        note="test",
    )
    first = enrol(resident(), actor=city_clerk, category=ResidentCategory.COLLEGE_STUDENT)
    second = enrol(resident(), actor=city_clerk, category=ResidentCategory.STUDENT_CHILD)
    ResidentContribution.objects.all().delete()
    assert (
        services.resident_contributions_assess(
            municipality=jining, benefit_year=YEAR, actor=city_clerk
        )
        == 2
    )
    assert ResidentContribution.objects.get(enrollment=first).amount == Decimal("350.00")
    assert ResidentContribution.objects.get(enrollment=second).amount == Decimal("400.00")
    assert (
        services.resident_contributions_assess(
            municipality=jining, benefit_year=YEAR, actor=city_clerk
        )
        == 0
    )
