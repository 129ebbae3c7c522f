"""PostgreSQL refuses what bypasses the services: raw UPDATE, DELETE, unbalanced or mixed-fund
inserts, zero amounts, negative balances and postings into closed months."""

import pytest
from django.db import IntegrityError, connection, transaction

from funds.ledger import services
from funds.ledger.models import Account, Posting
from tests.factories.funds import JAN, balance

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL enforcement"),
]


def _sql(statement: str, params=()) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement, params)
        # The balance triggers are deferred to commit; inside the test's transaction, run
        # them now.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


@pytest.fixture
def entry(post, tax_a, income_a):
    return post("collect-1", (tax_a, "-100.00"), (income_a, "100.00"))


def test_raw_update_of_a_posting_is_refused(entry):
    with pytest.raises(IntegrityError, match="append-only"):
        _sql("UPDATE funds_posting SET amount = amount * 2 WHERE entry_id = %s", [entry.pk])
    assert sorted(Posting.objects.filter(entry=entry).values_list("amount", flat=True)) == [
        -100,
        100,
    ]


def test_raw_update_of_an_entry_is_refused(entry):
    with pytest.raises(IntegrityError, match="append-only"):
        _sql("UPDATE funds_journalentry SET memo = 'edited' WHERE id = %s", [entry.pk])
    entry.refresh_from_db()
    assert entry.memo == ""


def test_raw_delete_of_postings_and_entries_is_refused(entry):
    with pytest.raises(IntegrityError, match="append-only"):
        _sql("DELETE FROM funds_posting WHERE entry_id = %s", [entry.pk])
    with pytest.raises(IntegrityError, match="append-only"):
        _sql("DELETE FROM funds_journalentry WHERE id = %s", [entry.pk])
    assert Posting.objects.filter(entry=entry).count() == 2


def _insert_posting(entry, account, amount: str, balance_after: str = "0") -> None:
    _sql(
        "INSERT INTO funds_posting (entry_id, account_id, amount, balance_after, fund_type_id,"
        " month, effective_date) VALUES (%s, %s, %s, %s, %s, %s, %s)",
        [
            entry.pk,
            account.pk,
            amount,
            balance_after,
            account.fund_type_id,
            entry.month,
            entry.effective_date,
        ],
    )


def test_unbalanced_insert_is_refused_at_commit(entry, income_a):
    with pytest.raises(IntegrityError, match="unbalanced"):
        _insert_posting(entry, income_a, "5.00")
    assert Posting.objects.filter(entry=entry).count() == 2


def test_entry_without_postings_is_refused_at_commit(ledger, entry):
    with pytest.raises(IntegrityError, match="at least two"):
        _sql(
            "INSERT INTO funds_journalentry (municipality_id, fund_type_id, kind, month,"
            " effective_date, memo, idempotency_key, input_hash, source_id, source_label,"
            " created_at) VALUES (%s, %s, 'collection', %s, %s, '', 'raw', '', '', '', now())",
            [ledger.pk, entry.fund_type_id, JAN, JAN],
        )


def test_posting_in_another_fund_is_refused(ledger, entry, county_a):
    other_fund = Account.objects.filter(county=county_a, kind=Account.Kind.INCOME).exclude(
        fund_type=entry.fund_type
    )[0]
    with pytest.raises(IntegrityError):
        _sql(
            "INSERT INTO funds_posting (entry_id, account_id, amount, balance_after,"
            " fund_type_id, month, effective_date) VALUES (%s, %s, 1, 1, %s, %s, %s)",
            [entry.pk, other_fund.pk, entry.fund_type_id, entry.month, entry.effective_date],
        )
    assert Posting.objects.filter(entry=entry).count() == 2


def test_zero_amount_is_refused(entry, income_a):
    with pytest.raises(IntegrityError, match="posting_amount_not_zero"):
        _insert_posting(entry, income_a, "0")


def test_negative_balance_is_refused_by_the_database(entry, income_a):
    with pytest.raises(IntegrityError, match="account_balance_not_negative"):
        _sql("UPDATE funds_account SET balance = -0.01 WHERE id = %s", [income_a.pk])
    assert balance(income_a) == 100


def test_entry_in_a_closed_month_is_refused_by_the_database(ledger, entry, city_clerk):
    services.month_close(municipality=ledger, month=JAN, actor=city_clerk)
    with pytest.raises(IntegrityError, match="closed"):
        _sql(
            "INSERT INTO funds_journalentry (municipality_id, fund_type_id, kind, month,"
            " effective_date, memo, idempotency_key, input_hash, source_id, source_label,"
            " created_at) VALUES (%s, %s, 'collection', %s, %s, '', 'late', '', '', '', now())",
            [ledger.pk, entry.fund_type_id, JAN, JAN],
        )


@pytest.mark.django_db(transaction=True)
def test_unbalanced_insert_is_refused_at_a_real_commit(jining, tax_a, income_a):
    entry = services.entry_post(
        municipality=jining,
        kind="collection",
        month=JAN,
        effective_date=JAN,
        memo="",
        actor=None,
        idempotency_key="c",
        lines=[services.PostingLine(tax_a, -10), services.PostingLine(income_a, 10)],
    )
    # No SET CONSTRAINTS here: the deferred trigger fires when the block commits.
    with (
        pytest.raises(IntegrityError, match="unbalanced"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(
            "INSERT INTO funds_posting (entry_id, account_id, amount, balance_after,"
            " fund_type_id, month, effective_date) VALUES (%s, %s, 7, 0, %s, %s, %s)",
            [entry.pk, income_a.pk, entry.fund_type_id, entry.month, entry.effective_date],
        )
    assert Posting.objects.filter(entry=entry).count() == 2
