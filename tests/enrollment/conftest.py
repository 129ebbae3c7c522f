"""Builders for enrollment tests: valid identifiers and people enrolled through services."""

import datetime
import itertools
from decimal import Decimal

import pytest

from enrollment.contributions import services as contributions_services
from enrollment.people import services as people_services
from enrollment.people.models import Employer, Scope
from enrollment.people.validators import credit_code_check_character, resident_id_check_character

D = datetime.date
_numbers = itertools.count(1)


def credit_code(number: int | None = None) -> str:
    first = f"91370811MA{next(_numbers) if number is None else number:07d}"
    return first + credit_code_check_character(first)


BORN = D(1980, 5, 17)
JANUARY = D(2024, 1, 1)


def resident_id(birth: datetime.date = BORN, county_code: str = "370811") -> str:
    first = f"{county_code}{birth:%Y%m%d}{next(_numbers) % 1000:03d}"
    return first + resident_id_check_character(first)


@pytest.fixture
def make_employer(city_clerk):
    def make(county, unit_type=Employer.UnitType.ENTERPRISE, **extra):
        return people_services.employer_create(
            county=county,
            credit_code=extra.pop("credit_code", credit_code()),
            name=extra.pop("name", "测试单位"),
            unit_type=unit_type,
            actor=city_clerk,
            **extra,
        )

    return make


@pytest.fixture
def make_person(city_clerk):
    def make(
        county,
        category=Scope.EMPLOYEE,
        employer=None,
        wage=None,
        from_month=JANUARY,
        year=2024,
        **extra,
    ):
        person = people_services.person_enroll(
            county=county,
            id_number=extra.pop("id_number", resident_id()),
            name=extra.pop("name", "张三"),
            category=category,
            employer=employer,
            from_month=from_month,
            actor=city_clerk,
            **extra,
        )
        if wage is not None:
            contributions_services.contribution_base_set(
                person=person, year=year, yearly_wage=Decimal(wage), actor=city_clerk
            )
        return person

    return make
