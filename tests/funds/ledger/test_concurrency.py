"""Concurrent posting to the same accounts from many threads: no deadlock, no lost update."""

import threading
from decimal import Decimal

import pytest
from django.db import connection

from funds.ledger import services
from funds.ledger.models import Posting
from funds.ledger.selectors import ledger_verify
from funds.ledger.services import PostingLine
from tests.factories.funds import JAN, balance

THREADS = 8
POSTS_PER_THREAD = 15


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_threads_posting_to_the_same_accounts_keep_exact_balances(
    ledger, tax_a, income_a, city_income
):
    city_tax = city_income.__class__.objects.get(
        municipality=ledger, county=None, owner="tax_bureau", fund_type=city_income.fund_type
    )
    services.entry_post(
        municipality=ledger,
        kind="collection",
        month=JAN,
        effective_date=JAN,
        memo="",
        actor=None,
        idempotency_key="fund-a",
        lines=[PostingLine(tax_a, Decimal("-1000.00")), PostingLine(income_a, Decimal("1000.00"))],
    )
    services.entry_post(
        municipality=ledger,
        kind="collection",
        month=JAN,
        effective_date=JAN,
        memo="",
        actor=None,
        idempotency_key="fund-city",
        lines=[
            PostingLine(city_tax, Decimal("-1000.00")),
            PostingLine(city_income, Decimal("1000.00")),
        ],
    )
    errors: list[BaseException] = []
    start = threading.Barrier(THREADS)

    def work(number: int) -> None:
        try:
            start.wait()
            for step in range(POSTS_PER_THREAD):
                if number % 2 == 0:
                    # Lines listed income first …
                    lines = [
                        PostingLine(income_a, Decimal("-1.00")),
                        PostingLine(city_income, Decimal("1.00")),
                    ]
                else:
                    # … and city first: locking in line order would deadlock.
                    lines = [
                        PostingLine(city_income, Decimal("-0.50")),
                        PostingLine(income_a, Decimal("0.50")),
                    ]
                services.entry_post(
                    municipality=ledger,
                    kind="transfer",
                    month=JAN,
                    effective_date=JAN,
                    memo="",
                    actor=None,
                    idempotency_key=f"t{number}-{step}",
                    lines=lines,
                )
                # Every thread also replays one shared key: exactly one entry results.
                services.entry_post(
                    municipality=ledger,
                    kind="collection",
                    month=JAN,
                    effective_date=JAN,
                    memo="",
                    actor=None,
                    idempotency_key=f"shared-{step}",
                    lines=[
                        PostingLine(tax_a, Decimal("-2.00")),
                        PostingLine(income_a, Decimal("2.00")),
                    ],
                )
        except BaseException as error:  # noqa: BLE001 - reported to the main thread
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(number,)) for number in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    half = THREADS // 2
    assert balance(income_a) == Decimal("1000.00") - half * POSTS_PER_THREAD * Decimal(
        "1.00"
    ) + half * POSTS_PER_THREAD * Decimal("0.50") + POSTS_PER_THREAD * Decimal("2.00")
    assert balance(city_income) == Decimal("1000.00") + half * POSTS_PER_THREAD * Decimal("0.50")
    assert Posting.objects.filter(entry__idempotency_key__startswith="shared-").count() == (
        2 * POSTS_PER_THREAD
    )
    assert ledger_verify().ok
