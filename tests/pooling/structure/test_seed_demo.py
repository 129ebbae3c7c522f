from django.core.management import call_command

from pooling.accounts.models import AuditEvent, User
from pooling.rules.models import PolicyRule
from pooling.structure.models import County, CountyPoolingModel, Municipality, PoolingModel

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
