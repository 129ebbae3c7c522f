"""Issue 15, item 9: PostgreSQL refuses TRUNCATE of the ledger and the audit trail even to the
owner, refuses a posting to another municipality's account, and the application role that
``create_app_role`` makes can neither TRUNCATE, disable triggers nor switch replication role."""

import uuid

import psycopg2
import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction

from funds.ledger.models import Account, JournalEntry, Posting
from funds.ledger.selectors import account_for
from tests.factories.funds import POOLED

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL enforcement"),
]


def _sql(statement: str, params=()) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement, params)
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


@pytest.fixture
def entry(post, tax_a, income_a):
    return post("collect-1", (tax_a, "-100.00"), (income_a, "100.00"))


@pytest.mark.django_db
@pytest.mark.parametrize(
    "statement",
    [
        "TRUNCATE funds_posting",
        "TRUNCATE funds_journalentry CASCADE",
        "TRUNCATE funds_closedmonth",
        "TRUNCATE pooling_auditevent",
        "TRUNCATE funds_account CASCADE",
    ],
)
def test_truncate_of_the_ledger_is_refused_even_to_the_owner(entry, statement):
    # The entry's deferred balance checks run first: TRUNCATE refuses pending trigger events.
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    with pytest.raises(IntegrityError, match="TRUNCATE of .* is refused"):
        _sql(statement)
    assert Posting.objects.filter(entry=entry).count() == 2


@pytest.mark.django_db
def test_a_balanced_entry_may_not_move_another_citys_account(entry, tax_a, zhengzhou_city):
    other = account_for(
        municipality=zhengzhou_city,
        county=zhengzhou_city.counties.order_by("code")[0],
        kind=Account.Kind.INCOME,
        fund_code=POOLED,
    )
    assert other.fund_type_id == entry.fund_type_id
    with pytest.raises(IntegrityError, match="may not post to account"):
        _sql(
            "INSERT INTO funds_posting (entry_id, account_id, amount, balance_after,"
            " fund_type_id, month, effective_date) VALUES (%s, %s, 5, 5, %s, %s, %s),"
            " (%s, %s, -5, 95, %s, %s, %s)",
            [
                *(entry.pk, other.pk, entry.fund_type_id, entry.month, entry.effective_date),
                *(entry.pk, tax_a.pk, entry.fund_type_id, entry.month, entry.effective_date),
            ],
        )
    assert Posting.objects.filter(entry=entry).count() == 2
    assert not Posting.objects.filter(account=other).exists()


@pytest.fixture
def app_role(transactional_db, monkeypatch):
    """A fresh application role made by ``create_app_role`` in the test database (roles are
    cluster-wide: a unique name, dropped afterwards)."""
    role = f"pooling_app_{uuid.uuid4().hex[:10]}"
    monkeypatch.setenv("APP_ROLE_PASSWORD", "app-role-secret")
    call_command("create_app_role", role)
    yield role
    with connection.cursor() as cursor:
        cursor.execute(f'DROP OWNED BY "{role}"')
        cursor.execute(f'DROP ROLE "{role}"')


def _connect_as(role: str):
    settings = connection.settings_dict
    return psycopg2.connect(
        dbname=settings["NAME"],
        user=role,
        password="app-role-secret",
        host=settings["HOST"] or "127.0.0.1",
        port=settings["PORT"] or 5432,
    )


def test_the_app_role_is_least_privilege(app_role):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT rolcanlogin, rolsuper, rolcreaterole, rolcreatedb, rolreplication,"
            " rolbypassrls FROM pg_roles WHERE rolname = %s",
            [app_role],
        )
        assert cursor.fetchone() == (True, False, False, False, False, False)
        cursor.execute("SELECT count(*) FROM pg_tables WHERE tableowner = %s", [app_role])
        assert cursor.fetchone() == (0,)


@pytest.mark.parametrize(
    ("statement", "refusal"),
    [
        ("TRUNCATE funds_posting CASCADE", psycopg2.errors.InsufficientPrivilege),
        ("TRUNCATE pooling_auditevent", psycopg2.errors.InsufficientPrivilege),
        (
            "ALTER TABLE funds_posting DISABLE TRIGGER funds_posting_append_only",
            psycopg2.errors.InsufficientPrivilege,
        ),
        ("ALTER TABLE funds_posting DISABLE TRIGGER ALL", psycopg2.errors.InsufficientPrivilege),
        ("SET session_replication_role = replica", psycopg2.errors.InsufficientPrivilege),
        ("DROP TABLE funds_posting", psycopg2.errors.InsufficientPrivilege),
    ],
)
def test_the_app_role_is_refused_what_would_bypass_the_ledger(app_role, statement, refusal):
    with _connect_as(app_role) as conn, conn.cursor() as cursor, pytest.raises(refusal):
        cursor.execute(statement)
    conn.close()


def test_the_app_role_can_do_the_applications_work(app_role, jining):
    """Reads, inserts and the temporary staging tables work; the ledger's own triggers still
    refuse an UPDATE of an entry."""
    with _connect_as(app_role) as conn, conn.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pooling_municipality")
        assert cursor.fetchone()[0] >= 1
        cursor.execute("CREATE TEMP TABLE staging (n integer) ON COMMIT DROP")
        cursor.execute("SELECT count(*) FROM funds_account")
        cursor.execute("SELECT id FROM pooling_municipality ORDER BY id LIMIT 1 FOR KEY SHARE")
    conn.close()
    assert not JournalEntry.objects.exists()


def test_create_app_role_refuses_the_owner_and_is_repeatable(app_role):
    from django.core.management.base import CommandError

    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        (owner,) = cursor.fetchone()
    with pytest.raises(CommandError, match="owner"):
        call_command("create_app_role", owner)
    call_command("create_app_role", app_role)
    with (
        _connect_as(app_role) as conn,
        conn.cursor() as cursor,
        pytest.raises(psycopg2.errors.InsufficientPrivilege),
    ):
        cursor.execute("TRUNCATE funds_closedmonth")
    conn.close()
