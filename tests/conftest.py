"""Shared fixtures: the Jining preset and the named personas of STYLE.md."""

import pytest

from pooling.accounts.models import Role, User
from pooling.structure.demo import seed_structure
from pooling.structure.models import County, Municipality
from pooling.structure.presets import CITIES


def pytest_configure(config):
    """Hash test passwords quickly; the production hasher would spend seconds per persona."""
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Tests run without collectstatic; production serves the hashed manifest (README).
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def jining(db) -> Municipality:
    """Jining with its 13 member units, pooling models, rules and demo users."""
    return seed_structure(CITIES["jining"], log=lambda message: None)


@pytest.fixture
def county_a(jining) -> County:
    """任城区, the county of ``county_a_officer``."""
    return jining.counties.get(code="370811")


@pytest.fixture
def county_b(jining) -> County:
    """兖州区, the county of ``county_b_officer``."""
    return jining.counties.get(code="370812")


def _user(username: str) -> User:
    return User.objects.get(username=username)


@pytest.fixture
def city_clerk(jining) -> User:
    return _user("jining_clerk")


@pytest.fixture
def bureau_approver(jining) -> User:
    return _user("jining_bureau")


@pytest.fixture
def finance_officer(jining) -> User:
    return _user("jining_finance")


@pytest.fixture
def county_a_officer(jining) -> User:
    return _user("jining_county_a")


@pytest.fixture
def county_b_officer(jining) -> User:
    return _user("jining_county_b")


@pytest.fixture
def auditor(jining) -> User:
    return _user("jining_auditor")


@pytest.fixture
def administrator(jining) -> User:
    return _user("jining_admin")


@pytest.fixture
def personas(
    city_clerk, bureau_approver, finance_officer, county_a_officer, auditor, administrator
):
    """Every role once, keyed by role."""
    return {
        Role.AGENCY_CLERK: city_clerk,
        Role.BUREAU_APPROVER: bureau_approver,
        Role.FINANCE_OFFICER: finance_officer,
        Role.COUNTY_OFFICER: county_a_officer,
        Role.AUDITOR: auditor,
        Role.ADMINISTRATOR: administrator,
    }


@pytest.fixture
def client_for(client):
    """``client_for(user)`` logs the test client in as ``user``."""

    def login(user: User):
        client.force_login(user)
        return client

    return login


@pytest.fixture
def english_client_for(client_for):
    """``client_for`` with English chosen: pages are Chinese unless the user picks English,
    and these tests read the English labels (msgids)."""
    from django.conf import settings

    def login(user: User):
        client = client_for(user)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        return client

    return login


@pytest.fixture
def api_for():
    """``api_for(user)`` is a DRF client authenticated as ``user`` (None: anonymous)."""
    from rest_framework.test import APIClient

    def make(user: User | None):
        api = APIClient()
        if user is not None:
            api.force_authenticate(user)
        return api

    return make


@pytest.fixture(autouse=True)
def _clear_cache():
    """The login throttle lives in the cache; every test starts with it empty."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
