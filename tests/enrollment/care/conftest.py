"""Fixtures of the care tests: a specified disease and two insured people."""

import pytest

from enrollment.care import services
from enrollment.people.models import Scope


@pytest.fixture
def diabetes(jining, city_clerk):
    return services.specified_disease_add(
        municipality=jining, code="M01", name="糖尿病", actor=city_clerk
    )


@pytest.fixture
def person_a(make_person, county_a):
    return make_person(county_a, Scope.FLEXIBLE, name="赵六")


@pytest.fixture
def person_b(make_person, county_b):
    return make_person(county_b, Scope.FLEXIBLE, name="钱七")
