"""``benchmark_claims`` at a small N: it runs, writes the JSON keys the README quotes, and the
naive per-claim loop prices its sample exactly as the set-based settlement does."""

import json

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db(transaction=False)


def test_the_claims_benchmark_runs_and_agrees_with_the_naive_loop(db, tmp_path, capsys):
    target = tmp_path / "claims.json"
    call_command("benchmark_claims", claims=400, sample=60, json_file=str(target))
    figures = json.loads(target.read_text())
    assert {"claims", "settle_seconds", "floor_seconds", "naive_seconds_extrapolated"} <= set(
        figures
    )
    assert figures["claims"] == 400
    assert figures["settled"] == 400
    assert figures["naive_sample_claims"] >= 60
    assert figures["naive_mismatches"] == 0
    assert figures["peak_rss_mb"] > 0
    assert "settle_seconds" in capsys.readouterr().out
