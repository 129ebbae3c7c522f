"""Writes to the pooling structure. Each service owns its transaction and records an audit
event; views, the API, admin actions and commands call these and nothing else."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from pooling.accounts.models import User
from pooling.core import hooks
from pooling.core.audit import audit_record, snapshot
from pooling.structure.models import AccessionEvaluation, County, CountyPoolingModel

_ONE_DAY = datetime.timedelta(days=1)


def _overlapping(queryset, start: datetime.date, end: datetime.date | None):
    """Rows of a dated queryset whose period meets [start, end] (end None: open-ended)."""
    overlap = Q(effective_to__isnull=True) | Q(effective_to__gte=start)
    if end is not None:
        overlap &= Q(effective_from__lte=end)
    return queryset.filter(overlap)


@transaction.atomic
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
    periods = CountyPoolingModel.objects.filter(county=county).order_by("pk").select_for_update()
    list(periods)
    if periods.filter(effective_from__gte=effective_from).exists():
        raise ValidationError(
            {
                "effective_from": _(
                    "The county already has a pooling model starting on or after this date."
                )
            }
        )
    current = periods.filter(effective_to__isnull=True).first()
    if current is not None:
        before = snapshot(current)
        current.effective_to = effective_from - _ONE_DAY
        current.save(update_fields=["effective_to"])
        audit_record(
            actor=actor,
            action="pooling_model.close",
            instance=current,
            before=before,
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


@transaction.atomic
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
        before = snapshot(county)
        county.accession_date = join_date
        county.save(update_fields=["accession_date"])
        audit_record(
            actor=actor,
            action="county.accede",
            instance=county,
            before=before,
            municipality=county.municipality,
            county=county,
        )
        county_pooling_model_set(
            county=county,
            model=model_after,
            effective_from=join_date,
            actor=actor,
            note=_("Accession evaluated on %(date)s") % {"date": evaluated_on.isoformat()},
        )
        hooks.county_joined(county, join_date, actor)
    return evaluation
