"""``benchmark_cycle`` at a small N, so the command cannot rot."""

import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import Count

from enrollment.collection_files.models import CollectionBatch
from enrollment.contributions.models import Assessment
from enrollment.people.models import InsuredPerson
from funds.ledger.models import Account, ClosedMonth, Posting
from funds.ledger.selectors import ledger_verify
from settlement.cycle.models import MonthlyCycle

pytestmark = pytest.mark.django_db


def test_benchmark_cycle_runs_the_whole_month_and_writes_its_figures(tmp_path):
    path = tmp_path / "figures.json"
    output = io.StringIO()

    call_command(
        "benchmark_cycle",
        insured=300,
        counties=3,
        naive_sample=20,
        json_path=str(path),
        stdout=output,
    )

    figures = json.loads(path.read_text())
    for key in (
        "insured",
        "workers",
        "cycle_seconds",
        "floor_seconds",
        "durable_floor_seconds",
        "naive_seconds_extrapolated",
        "peak_rss_mb",
        "steps",
    ):
        assert key in figures, key
    assert figures["insured"] == 300
    assert figures["completed"] is True
    assert figures["assessed"] == 300
    assert figures["floor_rows"] == 300
    assert figures["cycle_seconds"] > 0 and figures["floor_seconds"] > 0
    # The durable floor copies every row the cycle wrote, the ledger's included.
    tables = figures["durable_floor_tables"]
    assert tables["enrollment_assessment"] == 300
    assert (
        tables["funds_posting"]
        == Posting.objects.filter(entry__municipality__slug="benchmark").count()
    )
    assert tables["enrollment_collectionallocation"] > 0
    assert figures["durable_floor_rows"] == sum(tables.values())
    assert figures["durable_floor_seconds"] > 0
    assert figures["workers"] == 1
    assert figures["naive_seconds_extrapolated"] > 0
    # The naive loop does the cycle's per-person work: assessment, row, allocation, movement.
    assert figures["naive_rows_saved"] > 3 * figures["naive_sample"]
    assert [step["name"] for step in figures["steps"] if step["in_cycle"]] == [
        "assessment",
        "collection import + match",
        "collection posting",
        "retiree account credits",
        "collections_cutoff",
        "remittance",
        "fiscal_transfer",
        "zero_balance_check",
        "month_close",
    ]
    assert "cycle total" in output.getvalue()
    with connection.cursor() as cursor:
        cursor.execute("SHOW shared_buffers")
        assert figures["machine"]["server_settings"]["shared_buffers"] == cursor.fetchone()[0]

    cycle = MonthlyCycle.objects.get(municipality__slug="benchmark")
    assert cycle.status == MonthlyCycle.Status.COMPLETED
    # In process the assessment's county parts ran as one statement, each with its own count.
    assessment = cycle.steps.get(name="assessment")
    assert assessment.count == 300
    assert {part.county_id: part.count for part in assessment.parts.all()} == dict(
        Assessment.objects.filter(municipality=cycle.municipality)
        .values_list("county_id")
        .annotate(rows=Count("id"))
        .order_by()
    )
    assert ClosedMonth.objects.filter(municipality=cycle.municipality, month=cycle.month).exists()
    assert InsuredPerson.objects.filter(municipality=cycle.municipality).count() == 300
    # The naive loop's rows were removed; the cycle assessed everybody once, and the
    # personal-account subledger holds only the cycle's movements.
    assert Assessment.objects.filter(municipality=cycle.municipality).count() == 300
    assert CollectionBatch.objects.filter(municipality=cycle.municipality).count() == 1
    assert ledger_verify(municipality=cycle.municipality).ok
    for account in Account.objects.filter(municipality=cycle.municipality, kind="income"):
        assert account.balance == 0, account.name
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass('benchmark_cycle_floor')")
        assert cursor.fetchone()[0] is None
        cursor.execute("SELECT count(*) FROM pg_tables WHERE tablename LIKE 'benchmark_durable%'")
        assert cursor.fetchone()[0] == 0


def test_a_second_run_closes_the_next_month_with_the_same_people(tmp_path):
    call_command("benchmark_cycle", insured=200, counties=2, naive_sample=0, stdout=io.StringIO())
    call_command(
        "benchmark_cycle",
        insured=150,
        counties=2,
        naive_sample=0,
        stdout=io.StringIO(),
        json_path=str(tmp_path / "second.json"),
    )

    figures = json.loads((tmp_path / "second.json").read_text())
    assert figures["completed"] is True
    assert figures["month"] == "2026-02"
    assert figures["assessed"] == 150
    assert InsuredPerson.objects.filter(municipality__slug="benchmark").count() == 200


def test_benchmark_cycle_refuses_sqlite(monkeypatch):
    monkeypatch.setattr(connection, "vendor", "sqlite")

    with pytest.raises(CommandError, match="PostgreSQL"):
        call_command("benchmark_cycle", insured=10, stdout=io.StringIO())


def test_benchmark_cycle_on_workers_needs_a_broker(settings):
    settings.CELERY_BROKER_URL = ""

    with pytest.raises(CommandError, match="CELERY_BROKER_URL"):
        call_command("benchmark_cycle", insured=10, workers=2, stdout=io.StringIO())
