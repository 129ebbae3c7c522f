"""``benchmark_residents`` at a small N, so the command cannot rot."""

import io
import json

import pytest
from django.core.management import call_command

from enrollment.residents.models import ResidentContribution

pytestmark = pytest.mark.django_db


def test_benchmark_residents_assesses_every_resident_and_writes_its_figures(tmp_path):
    path = tmp_path / "figures.json"
    output = io.StringIO()
    call_command("benchmark_residents", residents=200, json_path=str(path), stdout=output)
    figures = json.loads(path.read_text())
    assert figures["assessed"] == 200
    assert {"assessment_seconds", "rows_per_second", "peak_rss_mb"} <= set(figures)
    assert "rows/s" in output.getvalue()
    assert ResidentContribution.objects.filter(benefit_year=2099).count() == 200
    # A second run reuses the residents and assesses them again.
    call_command("benchmark_residents", residents=200, json_path=str(path), stdout=output)
    assert json.loads(path.read_text())["residents_built"] == 0
    assert ResidentContribution.objects.filter(benefit_year=2099).count() == 200
