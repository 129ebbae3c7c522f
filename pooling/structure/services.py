"""Writes to the pooling structure: a county's pooling model over time and its accession
evaluation (J 二). Each service owns its transaction and records an audit event; views, the
API, admin actions and commands call these and nothing else."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from pooling.accounts.models import User
from pooling.core import hooks
from pooling.core.audit import audit_record, audited_update
from pooling.core.periods import ONE_DAY
from pooling.structure.models import AccessionEvaluation, County, CountyPoolingModel


@transaction.atomic(durable=True)
def county_pooling_model_set(
    *,
    county: County,
    model: str,
    effective_from: datetime.date,
    actor: User | None,
    note: str = "",
) -> CountyPoolingModel:
    """Make ``model`` the county's pooling model from ``effective_from`` on.

    The open-ended period in force before that day is closed on the day before; a period that
    starts on or after ``effective_from`` is a conflict the user must resolve first.
    """
    return _pooling_model_period_start(
        county=county, model=model, effective_from=effective_from, actor=actor, note=note
    )


def _pooling_model_period_start(
    *,
    county: County,
    model: str,
    effective_from: datetime.date,
    actor: User | None,
    note: str,
) -> CountyPoolingModel:
    """``county_pooling_model_set`` inside the caller's transaction (an accession schedules
    the model change in its own)."""
    periods = list(
        CountyPoolingModel.objects.filter(county=county).order_by("pk").select_for_update()
    )
    if any(period.effective_from >= effective_from for period in periods):
        raise ValidationError(
            {
                "effective_from": _(
                    "The county already has a pooling model starting on or after this date."
                )
            }
        )
    current = next((period for period in periods if period.effective_to is None), None)
    if current is not None:
        audited_update(
            current,
            {"effective_to": effective_from - ONE_DAY},
            actor=actor,
            action="pooling_model.close",
            municipality=county.municipality,
            county=county,
        )
    period = CountyPoolingModel.objects.create(
        county=county, model=model, effective_from=effective_from, note=note
    )
    audit_record(
        actor=actor,
        action="pooling_model.set",
        instance=period,
        municipality=county.municipality,
        county=county,
    )
    return period


@transaction.atomic(durable=True)
def accession_evaluation_record(
    *,
    county: County,
    evaluated_on: datetime.date,
    result: str,
    actor: User,
    notes: str = "",
    join_date: datetime.date | None = None,
    model_after: str = "",
) -> AccessionEvaluation:
    """Record an evaluation of a county for accession (J 二).

    A pass needs a joining date after the evaluation and the model to follow; it sets the
    county's accession date and schedules the model change. A fail changes nothing else.
    """
    county = County.objects.select_for_update().get(pk=county.pk)
    if result == AccessionEvaluation.Result.PASSED:
        errors = {}
        if join_date is None:
            errors["join_date"] = _("A passed evaluation needs the date the county joins.")
        elif join_date < evaluated_on:
            errors["join_date"] = _("The county cannot join before it was evaluated.")
        if not model_after:
            errors["model_after"] = _("Choose the pooling model the county follows after joining.")
        if county.accession_date is not None:
            errors["county"] = _("This county has already acceded on %(date)s.") % {
                "date": county.accession_date.isoformat()
            }
        if errors:
            raise ValidationError(errors)
    else:
        join_date, model_after = None, ""
    evaluation = AccessionEvaluation.objects.create(
        county=county,
        evaluated_on=evaluated_on,
        result=result,
        notes=notes,
        join_date=join_date,
        model_after=model_after,
        decided_by=actor,
    )
    audit_record(
        actor=actor,
        action="accession.evaluate",
        instance=evaluation,
        municipality=county.municipality,
        county=county,
    )
    if result == AccessionEvaluation.Result.PASSED:
        audited_update(
            county,
            {"accession_date": join_date},
            actor=actor,
            action="county.accede",
            municipality=county.municipality,
            county=county,
        )
        _pooling_model_period_start(
            county=county,
            model=model_after,
            effective_from=join_date,
            actor=actor,
            note=_("Accession evaluated on %(date)s") % {"date": evaluated_on.isoformat()},
        )
        hooks.county_joined(county, join_date, actor)
    return evaluation
