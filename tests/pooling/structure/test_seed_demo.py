import io

from django.core.management import call_command
from django.utils import timezone

from funds.ledger.models import ClosedMonth
from pooling.accounts.models import AuditEvent, User
from pooling.core.money import month_has_ended
from pooling.rules.models import PolicyRule
from pooling.structure.models import County, CountyPoolingModel, Municipality, PoolingModel
from settlement.cycle.models import MonthlyCycle

TABLES = [Municipality, County, CountyPoolingModel, PolicyRule, User, AuditEvent]


def _counts():
    return {model.__name__: model.objects.count() for model in TABLES}


def test_seed_demo_twice_changes_nothing(db):
    call_command("seed_demo", "--city", "jining", "--insured", "50", verbosity=0)
    first = _counts()
    call_command("seed_demo", "--city", "jining", "--insured", "50", verbosity=0)
    assert _counts() == first
    assert first["County"] == 13
    assert User.objects.filter(municipality__slug="jining").count() == 7


def test_each_city_runs_its_documented_pooling_model(db):
    for city in ("jining", "jinan", "zhengzhou"):
        call_command("seed_demo", "--city", city, "--insured", "20", verbosity=0)
    models = {
        slug: set(
            CountyPoolingModel.objects.filter(county__municipality__slug=slug).values_list(
                "model", flat=True
            )
        )
        for slug in ("jining", "jinan", "zhengzhou")
    }
    assert models == {
        "jining": {PoolingModel.UNIFIED},
        "jinan": {PoolingModel.TIERED},
        "zhengzhou": {PoolingModel.TIERED_ADJUSTMENT},
    }
    # Jinan's counties joined after passed evaluations (J 二); its city level needs none.
    jinan = County.objects.filter(municipality__slug="jinan")
    evaluated = jinan.exclude(kind=County.Kind.CITY_LEVEL).filter(evaluations__result="passed")
    assert evaluated.count() == 13
    assert jinan.get(code="370116").accession_date.isoformat() == "2019-01-01"


def test_the_demo_leaves_no_cycle_unfinished_and_no_month_closed_early(db):
    """The demo runs last month's whole cycle (a month may run only from its last day on)
    and never the current month's: no cycle waits half run, no month is closed early, and
    this month's spending still runs on last month's revenue."""
    out = io.StringIO()
    call_command("seed_demo", "--city", "jining", "--insured", "30", stdout=out)
    log = out.getvalue()
    assert "not done" not in log and "not run" not in log, log
    assert "Allocated" in log
    cycles = MonthlyCycle.objects.filter(municipality__slug="jining")
    assert cycles.exists()
    assert set(cycles.values_list("status", flat=True)) == {MonthlyCycle.Status.COMPLETED}
    closed = ClosedMonth.objects.values_list("month", flat=True)
    assert closed and all(month_has_ended(month) for month in closed)
    assert timezone.localdate().replace(day=1) not in set(cycles.values_list("month", flat=True))
