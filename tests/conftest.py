"""Shared fixtures: the Jining preset and the named personas of STYLE.md."""

import datetime
from decimal import Decimal

import pytest

from enrollment.collection_files import services as collection_files_services
from enrollment.collection_files.models import CollectionBatch
from enrollment.contributions import services as contributions_services
from enrollment.people import services as people_services
from enrollment.people.models import Employer, Scope
from funds.ledger import services
from funds.ledger.models import Account
from funds.ledger.selectors import account_for
from funds.ledger.services import PostingLine
from pooling.accounts.models import Role, User
from pooling.structure.demo import seed_structure
from pooling.structure.models import County, Municipality
from pooling.structure.presets import CITIES
from tests.factories.booking import MONTH
from tests.factories.enrollment import JANUARY, credit_code, resident_id
from tests.factories.funds import JAN, POOLED
from tests.factories.settlement import open_city


def _worker_redis_url(url: str, worker: int) -> str:
    """``url`` with its database number moved up by two per xdist worker, so parallel workers
    never clear each other's cache or broker (Redis has 16 databases)."""
    base, _, number = url.rpartition("/")
    return f"{base}/{int(number or 0) + 2 * worker}"


def _flush_as_replica() -> None:
    """Let the transactional tests' reset TRUNCATE the ledger: funds migration 0011 refuses
    TRUNCATE of entries, postings, closed months and audit events by a trigger, and ordinary
    triggers do not fire under ``session_replication_role = replica``, which only a superuser
    (the test database's owner here, never the application role) may set. The reset runs its
    statements in one transaction, so ``SET LOCAL`` ends with it."""
    from django.db.backends.postgresql.operations import DatabaseOperations

    original = DatabaseOperations.sql_flush
    if getattr(original, "as_replica", False):
        return

    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        statements = original(
            self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade
        )
        return ["SET LOCAL session_replication_role = replica", *statements] if statements else []

    sql_flush.as_replica = True
    DatabaseOperations.sql_flush = sql_flush


def pytest_configure(config):
    """Hash test passwords quickly; the production hasher would spend seconds per persona.
    Under pytest-xdist each worker gets its own Redis databases (its test database is its own
    already: pytest-django suffixes it with the worker's name)."""
    import os

    from django.conf import settings

    worker = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0")[2:])
    cache = settings.CACHES["default"]
    if cache["BACKEND"].endswith("RedisCache"):
        cache["LOCATION"] = _worker_redis_url(cache["LOCATION"], worker)
    os.environ["CELERY_TEST_BROKER_URL"] = _worker_redis_url(
        os.environ.get("CELERY_TEST_BROKER_URL", "redis://127.0.0.1:6379/2"), worker
    )

    _flush_as_replica()
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
    """Every test starts with an empty cache."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


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


@pytest.fixture
def ledger(jining):
    """Jining with the accounts of every fund open for the city and each member unit."""
    services.accounts_open_for_municipality(municipality=jining, actor=None)
    return jining


@pytest.fixture
def tax_a(ledger, county_a) -> Account:
    """County A's tax-bureau counterparty in the pooled fund: collections come from it."""
    return account_for(
        municipality=ledger,
        county=county_a,
        kind=Account.Kind.COUNTERPARTY,
        fund_code=POOLED,
        owner=Account.Owner.TAX_BUREAU,
    )


@pytest.fixture
def income_a(ledger, county_a) -> Account:
    return account_for(
        municipality=ledger, county=county_a, kind=Account.Kind.INCOME, fund_code=POOLED
    )


@pytest.fixture
def income_b(ledger, county_b) -> Account:
    return account_for(
        municipality=ledger, county=county_b, kind=Account.Kind.INCOME, fund_code=POOLED
    )


@pytest.fixture
def tax_b(ledger, county_b) -> Account:
    return account_for(
        municipality=ledger,
        county=county_b,
        kind=Account.Kind.COUNTERPARTY,
        fund_code=POOLED,
        owner=Account.Owner.TAX_BUREAU,
    )


@pytest.fixture
def city_income(ledger) -> Account:
    return account_for(municipality=ledger, county=None, kind=Account.Kind.INCOME, fund_code=POOLED)


@pytest.fixture
def post(ledger):
    """``post(key, (account, "amount"), …)`` posts a collection in January 2026."""

    def make(key: str, *lines, month=JAN, kind="collection", memo="", actor=None):
        return services.entry_post(
            municipality=ledger,
            kind=kind,
            month=month,
            effective_date=month + datetime.timedelta(days=9),
            memo=memo,
            actor=actor,
            idempotency_key=key,
            lines=[
                PostingLine(account=account, amount=Decimal(amount)) for account, amount in lines
            ],
        )

    return make


@pytest.fixture
def jining_city(db):
    return open_city("jining")


@pytest.fixture
def jinan_city(db):
    return open_city("jinan")


@pytest.fixture
def zhengzhou_city(db):
    return open_city("zhengzhou")


@pytest.fixture
def assessed(ledger, county_a, county_b, make_employer, make_person, city_clerk):  # noqa: F811
    """Two employees of an enterprise in county A, a flexible worker in county B and a
    retiree in county A, assessed for June 2024 with Jining's rates."""
    employer = make_employer(county_a)
    employees = [make_person(county_a, employer=employer, wage="60000.00") for _ in range(2)]
    flexible = make_person(county_b, Scope.FLEXIBLE)
    retiree = make_person(county_a, Scope.RETIREE)
    contributions_services.assessment_run(municipality=ledger, month=MONTH, actor=city_clerk)
    return employer, employees, flexible, retiree


@pytest.fixture
def batch(ledger, city_clerk, assessed) -> CollectionBatch:
    employer, employees, flexible, retiree = assessed
    lines = [
        "payer_code,month,amount",
        f"{employer.credit_code},2024-06,1020.00",  # 2 × 510.00
        f"{flexible.id_number},2024-06,700.00",  # 670.00 owed: 30.00 over-paid
        "110105194912310021,2024-06,5.00",  # nobody: the city level keeps it
    ]
    return collection_files_services.collection_file_import(
        municipality=ledger,
        file_name="tax-2024-06.csv",
        content=("\n".join(lines) + "\n").encode(),
        actor=city_clerk,
    ).batch


@pytest.fixture
def english_messages():
    """Service messages are asserted in English (their msgids); pages still negotiate the
    language per request. Folders of service tests use it for every test (their conftest)."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def platform_operator(db) -> User:
    """The platform operator: the one superuser (``create_platform_operator``)."""
    from pooling.accounts.services import platform_operator_create

    return platform_operator_create(
        username="operator", email="", password="Operator-password-2026"
    )
