"""Fixtures of the claim tests: Jining's employees paid for June 2024 (entitled from July),
a tertiary hospital of county A under agreement and the worked example's standard."""

import pytest

from tests.factories.claims import hospital, standard


@pytest.fixture
def insured(batch, assessed):
    """(employee in service, retiree), both entitled in August 2024."""
    _employer, employees, _flexible, retiree = assessed
    return employees[0], retiree


@pytest.fixture
def tertiary(ledger, county_a, city_clerk):
    return hospital(county_a, city_clerk)


@pytest.fixture
def inpatient_standard(ledger, bureau_approver):
    return standard(ledger, bureau_approver)


@pytest.fixture(autouse=True)
def _english(english_messages):
    """Every test here asserts service messages in English."""
