"""Writes to the pooling structure. Each service owns its transaction and records an audit
event; views, the API, admin actions and commands call these and nothing else."""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from pooling import hooks
from pooling.audit import audit_record, snapshot
from pooling.models import (
    AccessionEvaluation,
    CalendarOverride,
    County,
    CountyPoolingModel,
    Municipality,
    PolicyRule,
    User,
)
from pooling.rules import RULES

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


@transaction.atomic
def policy_rule_add_version(
    *,
    municipality: Municipality,
    key: str,
    value: Decimal,
    effective_from: datetime.date,
    actor: User | None,
    county: County | None = None,
    effective_to: datetime.date | None = None,
    note: str = "",
) -> PolicyRule:
    """Add a dated version of a rule value.

    The open-ended version in force before ``effective_from`` is closed on the day before (a
    rule change is a new version, never an edit). Any other overlap with a version of the same
    rule and scope is refused with a clear error; on PostgreSQL an exclusion constraint backs
    this up.
    """
    if key not in RULES:
        raise ValidationError({"key": _("Unknown rule “%(key)s”.") % {"key": key}})
    if effective_to is not None and effective_to < effective_from:
        raise ValidationError({"effective_to": _("The end date is before the start date.")})
    if county is not None and county.municipality_id != municipality.pk:
        raise ValidationError({"county": _("The county belongs to another municipality.")})
    versions = (
        PolicyRule.objects.filter(municipality=municipality, key=key, county=county)
        .order_by("pk")
        .select_for_update()
    )
    # Lock every version of this rule and scope, in a fixed order, before deciding.
    list(versions)
    superseded = versions.filter(
        effective_to__isnull=True, effective_from__lt=effective_from
    ).first()
    conflicts = _overlapping(versions, effective_from, effective_to)
    if superseded is not None:
        conflicts = conflicts.exclude(pk=superseded.pk)
    conflict = conflicts.order_by("effective_from").first()
    if conflict is not None:
        raise ValidationError(
            {
                "effective_from": _(
                    "This period overlaps the version in force from %(start)s to %(end)s."
                )
                % {
                    "start": conflict.effective_from.isoformat(),
                    "end": conflict.effective_to.isoformat() if conflict.effective_to else "—",
                }
            }
        )
    if superseded is not None:
        before = snapshot(superseded)
        superseded.effective_to = effective_from - _ONE_DAY
        superseded.save(update_fields=["effective_to"])
        audit_record(
            actor=actor,
            action="rule.close",
            instance=superseded,
            before=before,
            municipality=municipality,
            county=county,
        )
    version = PolicyRule.objects.create(
        municipality=municipality,
        county=county,
        key=key,
        value=value,
        effective_from=effective_from,
        effective_to=effective_to,
        note=note,
        created_by=actor if actor is not None and actor.pk else None,
    )
    audit_record(
        actor=actor, action="rule.add", instance=version, municipality=municipality, county=county
    )
    return version


@transaction.atomic
def calendar_override_set(
    *, date: datetime.date, is_workday: bool, note: str, actor: User
) -> CalendarOverride:
    """Enter or change one day of the working-day calendar."""
    existing = CalendarOverride.objects.select_for_update().filter(date=date).first()
    before = snapshot(existing)
    override, _created = CalendarOverride.objects.update_or_create(
        date=date, defaults={"is_workday": is_workday, "note": note}
    )
    audit_record(actor=actor, action="calendar.set", instance=override, before=before)
    return override


@transaction.atomic
def calendar_override_delete(*, override: CalendarOverride, actor: User) -> None:
    """Remove an override, so the package's calendar applies to that day again."""
    before = snapshot(override)
    audit_record(actor=actor, action="calendar.delete", instance=override, before=before, after={})
    override.delete()
