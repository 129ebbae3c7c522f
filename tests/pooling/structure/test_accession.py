import datetime

import pytest
from django.core.exceptions import ValidationError

from pooling.accounts.models import AuditEvent
from pooling.structure import services
from pooling.structure.models import AccessionEvaluation, County, PoolingModel
from pooling.structure.selectors import pooling_model_for
from tests.factories import make_county

D = datetime.date


@pytest.fixture
def new_county(jining):
    county = make_county(municipality=jining, code="370899", name="新区")
    services.county_pooling_model_set(
        county=county, model=PoolingModel.TIERED, effective_from=D(2020, 1, 1), actor=None
    )
    return county


def test_a_passed_evaluation_schedules_joining_and_the_model_change(new_county, bureau_approver):
    evaluation = services.accession_evaluation_record(
        county=new_county,
        evaluated_on=D(2026, 5, 20),
        result=AccessionEvaluation.Result.PASSED,
        join_date=D(2026, 7, 1),
        model_after=PoolingModel.UNIFIED,
        notes="考评合格",
        actor=bureau_approver,
    )
    new_county.refresh_from_db()
    assert new_county.accession_date == D(2026, 7, 1)
    assert evaluation.decided_by == bureau_approver
    assert pooling_model_for(county=new_county, month=D(2026, 6, 1)).model == PoolingModel.TIERED
    assert pooling_model_for(county=new_county, month=D(2026, 7, 1)).model == PoolingModel.UNIFIED
    assert new_county.pooling_models.get(model=PoolingModel.TIERED).effective_to == D(2026, 6, 30)
    assert AuditEvent.objects.filter(action="accession.evaluate", object_id=evaluation.pk).exists()


def test_a_failed_evaluation_leaves_the_county_as_it_was(new_county, bureau_approver):
    services.accession_evaluation_record(
        county=new_county,
        evaluated_on=D(2026, 5, 20),
        result=AccessionEvaluation.Result.FAILED,
        join_date=D(2026, 7, 1),  # ignored on a fail
        model_after=PoolingModel.UNIFIED,
        actor=bureau_approver,
    )
    new_county.refresh_from_db()
    assert new_county.accession_date is None
    assert list(new_county.pooling_models.values_list("model", "effective_to")) == [
        (PoolingModel.TIERED, None)
    ]
    evaluation = new_county.evaluations.get()
    assert evaluation.join_date is None and evaluation.model_after == ""


def test_a_pass_without_joining_date_or_model_is_refused(new_county, bureau_approver):
    with pytest.raises(ValidationError) as raised:
        services.accession_evaluation_record(
            county=new_county,
            evaluated_on=D(2026, 5, 20),
            result=AccessionEvaluation.Result.PASSED,
            actor=bureau_approver,
        )
    assert set(raised.value.message_dict) == {"join_date", "model_after"}
    assert not new_county.evaluations.exists()


def test_joining_before_the_evaluation_is_refused(new_county, bureau_approver):
    with pytest.raises(ValidationError) as raised:
        services.accession_evaluation_record(
            county=new_county,
            evaluated_on=D(2026, 5, 20),
            result=AccessionEvaluation.Result.PASSED,
            join_date=D(2026, 5, 1),
            model_after=PoolingModel.UNIFIED,
            actor=bureau_approver,
        )
    assert "join_date" in raised.value.message_dict


def test_pooling_model_in_force_for_any_month(jining):
    county = jining.counties.get(code="370811")
    assert pooling_model_for(county=county, month=D(2026, 11, 1)).model == PoolingModel.UNIFIED
    assert pooling_model_for(county=county, month=D(2019, 12, 1)) is None


def test_county_code_must_belong_to_the_municipality(jining):
    county = County(
        municipality=jining,
        code="370102",
        name="历下区",
        kind=County.Kind.DISTRICT,
        member_from=D(2020, 1, 1),
    )
    with pytest.raises(ValidationError) as raised:
        county.full_clean()
    assert "code" in raised.value.message_dict


@pytest.mark.parametrize("code", ["37081", "3708111", "99081a", "990811"])
def test_malformed_region_codes_are_refused(jining, code):
    county = County(
        municipality=jining,
        code=code,
        name="x",
        kind=County.Kind.COUNTY,
        member_from=D(2020, 1, 1),
    )
    with pytest.raises(ValidationError) as raised:
        county.full_clean()
    assert "code" in raised.value.message_dict
