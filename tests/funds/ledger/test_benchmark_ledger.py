"""``benchmark_ledger`` at a small N, so the command cannot rot and its fast load cannot hide a
broken ledger."""

import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from funds.ledger import selectors
from funds.ledger.models import Account, Posting
from funds.management.commands import benchmark_ledger

pytestmark = pytest.mark.django_db(transaction=True)


def _run(**options) -> str:
    output = io.StringIO()
    call_command("benchmark_ledger", batch_entries=20, samples=5, stdout=output, **options)
    return output.getvalue()


def _hot_account() -> Account:
    return Account.objects.get(
        county__code="370811", kind="income", owner="county", fund_type__code="310100"
    )


def test_restore_style_load_is_proved_and_measured_in_chunks():
    output = _run(postings=2000, chunk=600)

    assert "as a restore, triggers off" in output
    assert "Proved: ledger_verify over 2,000 postings" in output
    hot = _hot_account()
    # Every second loaded entry lands on the hot account, whose statement is measured.
    assert hot.postings.filter(entry__source_label="benchmark").count() >= 500
    assert f"Statement page (100 rows, keyset, account with {hot.postings.count():,} " in output
    assert "Balance read: p50" in output
    # 1,000 entries in four transactions, plus the 20 entries of the measured batch.
    assert Posting.objects.count() == 2000 + 40
    assert selectors.ledger_verify().ok
    assert hot.balance == sum(hot.postings.values_list("amount", flat=True))


def test_the_checks_are_back_on_after_the_load():
    _run(postings=200, chunk=100)

    with connection.cursor() as cursor:
        cursor.execute("SHOW session_replication_role")
        assert cursor.fetchone()[0] == "origin"


def test_checked_load_goes_through_every_trigger():
    output = _run(postings=400, chunk=400, checked_load=True)

    assert "through every trigger" in output
    assert "Proved" not in output
    assert selectors.ledger_verify().ok


def test_a_load_the_triggers_would_have_refused_is_not_measured(monkeypatch):
    build = benchmark_ledger.Command._build

    def build_then_unbalance(self, *args, **kwargs):
        built = build(self, *args, **kwargs)
        with connection.cursor() as cursor:
            cursor.execute("SET session_replication_role = replica")
            cursor.execute(
                "INSERT INTO funds_posting (entry_id, account_id, amount, balance_after,"
                " fund_type_id, month, effective_date)"
                " SELECT entry_id, account_id, 1, balance_after + 1, fund_type_id, month,"
                " effective_date FROM funds_posting ORDER BY id DESC LIMIT 1"
            )
            cursor.execute("SET session_replication_role = origin")
        return built

    monkeypatch.setattr(benchmark_ledger.Command, "_build", build_then_unbalance)

    with pytest.raises(CommandError, match="does not verify.*nothing was measured"):
        _run(postings=200, chunk=200)


def test_json_writes_postings_per_second(tmp_path):
    path = tmp_path / "ledger.json"

    _run(postings=200, chunk=200, json_path=path)

    figures = json.loads(path.read_text())
    assert figures["batch_postings"] == 40
    assert figures["postings_per_second"] > 0
    assert figures["pgledger_transfers_per_second"] == 10_600
    assert {"statement_p50_ms", "balance_p95_ms", "postings"} <= figures.keys()
