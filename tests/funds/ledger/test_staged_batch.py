"""The staged batch path (PostgreSQL: ``COPY`` into temporary tables, set-based checks and
inserts) gives exactly what the row-by-row path gives: the same entries, postings, running
balances and account balances, and the same first error for a bad batch."""

import dataclasses
import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from funds.ledger import services
from funds.ledger.models import Account, ClosedMonth, JournalEntry, Posting
from funds.ledger.selectors import account_for, ledger_verify
from funds.ledger.services import EntrySpec, PostingLine
from tests.factories.funds import FEB, JAN, RESIDENT

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's staged path"),
]


class _Undo(Exception):
    pass


def _spec(key: str, *lines, kind="collection", month=JAN, memo="", **extra) -> EntrySpec:
    return EntrySpec(
        kind=kind,
        month=month,
        effective_date=month + datetime.timedelta(days=4),
        memo=memo,
        idempotency_key=key,
        lines=[PostingLine(account, Decimal(amount)) for account, amount in lines],
        **extra,
    )


def _snapshot(municipality) -> tuple:
    entries = list(
        JournalEntry.objects.filter(municipality=municipality)
        .order_by("pk")
        .values_list(
            "idempotency_key",
            "input_hash",
            "fund_type_id",
            "kind",
            "month",
            "effective_date",
            "memo",
            "source_type_id",
            "source_id",
            "source_label",
            "reverses__idempotency_key",
            "actor_id",
        )
    )
    postings = list(
        Posting.objects.order_by("pk").values_list(
            "entry__idempotency_key", "account_id", "amount", "balance_after", "fund_type_id"
        )
    )
    balances = list(Account.objects.order_by("pk").values_list("pk", "balance"))
    return entries, postings, balances


def _outcome(municipality, specs, *, staged: bool):
    """Post ``specs`` through one path and return what it did (or the error it raised), then
    undo it so the other path starts from the same ledger."""
    try:
        with transaction.atomic():
            try:
                result = services._post(
                    municipality=municipality, specs=specs, actor=None, staged=staged
                )
            except ValidationError as refused:
                outcome = ("refused", refused.code, refused.messages)
            else:
                ids = dict(JournalEntry.objects.values_list("pk", "idempotency_key"))
                outcome = (
                    "posted",
                    [ids[pk] for pk in result.entry_ids],
                    result.created,
                    result.replayed,
                    _snapshot(municipality),
                )
            raise _Undo
    except _Undo:
        return outcome


def _same_on_both_paths(municipality, specs):
    staged = _outcome(municipality, specs, staged=True)
    assert staged == _outcome(municipality, specs, staged=False)
    return staged


def test_running_balances_follow_batch_order(ledger, tax_a, income_a, tax_b, income_b, city_income):
    specs = [
        _spec("c1", (tax_a, "-10.00"), (income_a, "10.00")),
        _spec("r1", (income_a, "-10.00"), (city_income, "10.00"), kind="remittance"),
        _spec("c2", (tax_a, "-5.55"), (income_a, "5.55")),
        _spec("c3", (tax_b, "-7.00"), (income_b, "7.00"), memo="b"),
    ]

    outcome = _same_on_both_paths(ledger, specs)

    assert outcome[0] == "posted"
    postings = outcome[4][1]
    assert [row[3] for row in postings if row[1] == income_a.pk] == [
        Decimal("10.00"),
        Decimal("0.00"),
        Decimal("5.55"),
    ]


def test_text_travels_through_copy_unchanged(ledger, tax_a, income_a, city_clerk):
    entry = services.entry_post(
        municipality=ledger,
        kind="collection",
        month=JAN,
        effective_date=JAN,
        memo="",
        actor=None,
        idempotency_key="first",
        lines=[PostingLine(tax_a, Decimal("-3.00")), PostingLine(income_a, Decimal("3.00"))],
    )
    awkward = 'tab\there, "quoted", comma, back\\slash\nnew line 征缴 \\N'
    specs = [
        _spec(f"key,{awkward[:20]}", (tax_a, "-1.00"), (income_a, "1.00"), memo=awkward),
        _spec("empty", (tax_a, "-2.00"), (income_a, "2.00"), memo="", source_label=""),
        _spec(
            "sourced",
            (income_a, "-3.00"),
            (tax_a, "3.00"),
            kind="reversal",
            source=city_clerk,
            source_label=awkward[:200],
            reverses=entry,
        ),
    ]

    outcome = _same_on_both_paths(ledger, specs)

    assert outcome[0] == "posted"
    memos = {row[0]: row[6] for row in outcome[4][0]}
    assert memos[f"key,{awkward[:20]}"] == awkward
    assert memos["empty"] == ""


def test_replays_and_conflicts_are_found_like_before(ledger, post, tax_a, income_a):
    post("known", (tax_a, "-1.00"), (income_a, "1.00"))
    replay = dataclasses.replace(
        _spec("known", (tax_a, "-1.00"), (income_a, "1.00")),
        effective_date=JAN + datetime.timedelta(days=9),
    )
    fresh = _spec("fresh", (tax_a, "-2.00"), (income_a, "2.00"))

    outcome = _same_on_both_paths(ledger, [fresh, replay, fresh])
    assert outcome[0] == "posted"
    assert outcome[1:4] == (["fresh", "known", "fresh"], 1, 2)

    changed = _spec("known", (tax_a, "-9.00"), (income_a, "9.00"))
    refused = _same_on_both_paths(ledger, [fresh, changed])
    assert refused[:2] == ("refused", "idempotency_conflict")


@pytest.mark.parametrize(
    "case",
    ["negative_first", "foreign_first", "mixed_first", "frozen", "closed_month", "unknown"],
)
def test_the_first_problem_is_reported_like_before(
    case, ledger, county_a, tax_a, income_a, city_income
):
    resident = account_for(
        municipality=ledger, county=county_a, kind=Account.Kind.INCOME, fund_code=RESIDENT
    )
    missing = Account(pk=2_000_000_000)
    collect = _spec("collect", (tax_a, "-10.00"), (income_a, "10.00"))
    overdraw = _spec("overdraw", (income_a, "-10.01"), (city_income, "10.01"), kind="remittance")
    foreign = _spec("foreign", (tax_a, "-1.00"), (missing, "1.00"))
    mixed = _spec("mixed", (tax_a, "-1.00"), (resident, "1.00"))
    batches = {
        "negative_first": [collect, overdraw, foreign, mixed],
        "foreign_first": [foreign, overdraw, mixed],
        "mixed_first": [collect, mixed, overdraw],
        "unknown": [collect, _spec("late", (tax_a, "-1.00"), (missing, "1.00"), month=FEB)],
    }
    if case == "frozen":
        services.entry_post(
            municipality=ledger,
            kind="collection",
            month=JAN,
            effective_date=JAN,
            memo="",
            actor=None,
            idempotency_key="seed",
            lines=[
                PostingLine(tax_a, Decimal("-100.00")),
                PostingLine(income_a, Decimal("100.00")),
            ],
        )
        Account.objects.filter(pk=income_a.pk).update(frozen_amount=Decimal("80.00"))
        batches["frozen"] = [
            collect,
            _spec("spend", (income_a, "-30.01"), (city_income, "30.01"), kind="remittance"),
        ]
    if case == "closed_month":
        ClosedMonth.objects.create(municipality=ledger, month=FEB)
        february = _spec("feb", (tax_a, "-1.00"), (income_a, "1.00"), month=FEB)
        batches["closed_month"] = [collect, february]

    outcome = _same_on_both_paths(ledger, batches[case])

    expected = {
        "negative_first": "negative_balance",
        "foreign_first": "foreign_account",
        "mixed_first": "mixed_funds",
        "frozen": "frozen_balance",
        "closed_month": "month_closed",
        "unknown": "foreign_account",
    }[case]
    assert outcome[:2] == ("refused", expected)


def test_a_large_staged_batch_verifies(ledger, tax_a, income_a, tax_b, income_b):
    specs = [
        _spec(f"bulk-{number}", (tax, "-0.01"), (income, "0.01"))
        for number in range(3000)
        for tax, income in ((tax_a, income_a), (tax_b, income_b))
        if (number % 2 == 0) == (tax == tax_a)
    ]

    with CaptureQueriesContext(connection) as queries:
        result = services.entries_post_batch(municipality=ledger, entries=specs, actor=None)

    assert any("ledger_stage_line" in query["sql"] for query in queries)
    assert result.created == 3000
    assert Account.objects.get(pk=income_a.pk).balance == Decimal("15.00")
    assert ledger_verify(municipality=ledger).ok
