"""The per-county steps (assessment, remittance) run as one part per county: each part is one
transaction and idempotent, the step is done when all its parts are, and a failed county is
run again alone."""

import datetime

from django.urls import reverse

from funds.ledger.models import JournalEntry
from pooling.accounts.models import User
from settlement.cycle import services
from settlement.cycle.models import CyclePart, MonthlyCycle, StepName
from tests.factories.settlement import (
    MONTH,
    collect,
    cycle_movements,
    ledger_fingerprint,
    open_city,
)

APRIL = datetime.date(2026, 4, 1)


def _collections(municipality, month):
    collect(municipality, "370811", "310100", "1000.10", month=month)
    collect(municipality, "370883", "310100", "66.66", month=month)
    collect(municipality, "370883", "910100", "12.34", month=month)


def _run(municipality, month):
    cycle, _created = services.cycle_start(
        municipality=municipality, month=month, actor=None, queue=False
    )
    return cycle, services.cycle_run_all(cycle=cycle, actor=None)


def test_per_county_steps_have_one_done_part_per_county(db):
    municipality = open_city("jining")
    _collections(municipality, MONTH)

    cycle, outcomes = _run(municipality, MONTH)

    assert outcomes[-1].status == "done"
    counties = municipality.counties.count()
    for name in (StepName.ASSESSMENT, StepName.REMITTANCE):
        step = cycle.steps.get(name=name)
        parts = step.parts.all()
        assert parts.count() == counties
        assert {part.status for part in parts} == {CyclePart.Status.DONE}
        assert step.count == sum(part.count for part in parts)
        assert step.details["parts"] == counties
    remittance = cycle.steps.get(name=StepName.REMITTANCE)
    by_county = {part.county.code: part for part in remittance.parts.select_related("county")}
    assert by_county["370811"].count == 1 and str(by_county["370811"].amount) == "1000.10"
    assert by_county["370883"].count == 2 and str(by_county["370883"].amount) == "79.00"
    assert str(remittance.amount) == "1079.10"
    # The city-wide steps have no parts.
    assert not cycle.steps.get(name=StepName.FISCAL_TRANSFER).parts.exists()


def test_a_part_run_again_changes_nothing(db):
    municipality = open_city("jining")
    _collections(municipality, MONTH)
    cycle, _outcomes = _run(municipality, MONTH)
    before = ledger_fingerprint(municipality)
    part = CyclePart.objects.filter(step__cycle=cycle, step__name=StepName.REMITTANCE).first()

    again = services.cycle_part_run(part=part, actor=None)

    assert again.status == CyclePart.Status.DONE and again.attempts == 1
    assert ledger_fingerprint(municipality) == before


def test_one_failing_county_fails_the_step_and_is_run_again_alone(db, monkeypatch):
    municipality = open_city("jining")
    _collections(municipality, MONTH)
    _run(municipality, MONTH)
    clean = cycle_movements(municipality, MONTH)
    _collections(municipality, APRIL)
    real = services._PART_RUNNERS[StepName.REMITTANCE]

    def fail_in_one_county(cycle, county, actor):
        result = real(cycle, county, actor)  # the county's entries are posted, then it dies
        if county.code == "370883":
            raise services.StepFailed("bank closed")
        return result

    monkeypatch.setitem(services._PART_RUNNERS, StepName.REMITTANCE, fail_in_one_county)
    cycle, outcomes = _run(municipality, APRIL)

    step = cycle.steps.get(name=StepName.REMITTANCE)
    assert (outcomes[-1].name, outcomes[-1].status) == ("remittance", "failed")
    assert "bank closed" in step.error and municipality.counties.get(code="370883").name in (
        step.error
    )
    failed = step.parts.get(county__code="370883")
    assert failed.status == CyclePart.Status.FAILED
    # The failed part's entries were rolled back; the other counties' stay posted.
    keys = set(
        JournalEntry.objects.filter(
            municipality=municipality, month=APRIL, kind="remittance"
        ).values_list("idempotency_key", flat=True)
    )
    assert len(keys) == 1
    done = step.parts.exclude(county__code="370883")
    assert {part.status for part in done} == {CyclePart.Status.DONE}

    monkeypatch.setitem(services._PART_RUNNERS, StepName.REMITTANCE, real)
    services.cycle_step_rerun(step=step, actor=None, queue=False)
    assert services.cycle_run_all(cycle=cycle, actor=None)[-1].status == "done"

    assert cycle_movements(municipality, APRIL) == clean
    assert [part.attempts for part in step.parts.filter(status="done").order_by("pk")] == [
        2 if part.county.code == "370883" else 1
        for part in step.parts.select_related("county").order_by("pk")
    ]


def test_cycle_page_and_progress_show_each_county(jining_city, client):
    municipality = jining_city
    _collections(municipality, MONTH)
    cycle, _outcomes = _run(municipality, MONTH)
    clerk = User.objects.get(municipality=municipality, username__endswith="_clerk")
    client.force_login(clerk)

    page = client.get(reverse("settlement:cycle_detail", args=[cycle.pk]))
    progress = client.get(reverse("settlement:cycle_progress", args=[cycle.pk])).json()

    counties = municipality.counties.count()
    assert page.status_code == 200
    assert f"已完成 {counties} / {counties} 个县区".encode() in page.content
    assert municipality.counties.get(code="370883").name.encode() in page.content
    remittance = next(step for step in progress["steps"] if step["name"] == "remittance")
    assert (remittance["parts_done"], remittance["parts_total"]) == (counties, counties)
    by_county = {part["county"]: part for part in remittance["parts"]}
    assert by_county["370811"]["amount"] == "1000.10"
    assert MonthlyCycle.objects.get(pk=cycle.pk).status == "completed"
