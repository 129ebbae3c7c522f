"""Annual expenditure plans and the monthly usage-plan → disbursement → allocation cycle
(N 三(四)4; issue 6 items 2–5).

The month's procedure, each step with its deadline from the working-day calendar and the
dated rules in force:

1. by the ``usage_plan_deadline_day`` of the month before (rolled to the next working day, Civil
   Code art. 203) each county submits next month's usage plan within what is left of its
   approved annual plan (``usage_plan_submit``); a late plan is flagged, and accepted or refused
   as ``late_usage_plan_accepted`` says; the city agency may return a plan with a reason;
2. within ``consolidation_working_days`` after that deadline the city agency consolidates the
   counties' plans into the city monthly plan (``city_plan_consolidate``), the bureau approves
   it (``city_plan_approve``) and requests the funds from finance
   (``city_plan_request_funding``);
3. within ``disbursement_working_days`` of the request finance pays from the fiscal special
   account into the city expenditure account (``disbursement_confirm``);
4. within ``allocation_working_days`` of receipt the city pays each county's expenditure account
   (``allocation_run``): at the city a grant to a lower level (补助下级支出), at the county a
   grant from the higher level (上级补助收入).

Disbursement and allocation are ledger entries with idempotency keys: running them again
changes nothing. Segregation of duties: the roles come from ``pooling.access``; on top, nobody
approves what they submitted and a county officer acts only for their own county.
"""

import datetime
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from funds.budgets.selectors import quota_for
from funds.ledger.models import Account, FundType, JournalEntry
from funds.ledger.selectors import account_for
from funds.ledger.services import EntrySpec, PostingLine, entries_post_batch
from pooling.accounts.models import User
from pooling.core.access import has_capability
from pooling.core.audit import audit_record, snapshot
from pooling.core.money import ZERO, month_start, round_money
from pooling.rules.selectors import rule_value
from pooling.structure.models import County, Municipality
from pooling.workdays.selectors import add_working_days, roll_to_working_day
from settlement.plans.models import (
    AnnualPlan,
    AnnualPlanLine,
    CityMonthlyPlan,
    PlanStep,
    PlanStepName,
    UsagePlan,
    UsagePlanLine,
)

# Memo of an allocation entry: the budget line at each end (DOMAIN §11).
ALLOCATION_MEMO = "市级：补助下级支出 / 县级：上级补助收入 — {county} {month:%Y-%m} 用款计划"
DISBURSEMENT_MEMO = "财政专户拨付市级支出户 — {month:%Y-%m} 全市用款计划"


@dataclass(frozen=True)
class PlanLineInput:
    """One line of a plan as entered: fund, purpose (usage plans only) and amount."""

    fund_type: FundType
    amount: Decimal
    purpose: str = ""


# ---------------------------------------------------------------------------------------------
# Deadlines
# ---------------------------------------------------------------------------------------------


def _previous_month(month: datetime.date) -> datetime.date:
    return month_start(month - datetime.timedelta(days=1))


def usage_plan_deadline(*, municipality: Municipality, month: datetime.date) -> datetime.date:
    """The day by which counties file the usage plan of ``month``: the deadline day of the
    month before, moved to the next working day when it is not one (Civil Code art. 203).
    Raises ``CalendarYearUnknown`` for a year the calendar does not know."""
    previous = _previous_month(month)
    day = int(rule_value(municipality=municipality, key="usage_plan_deadline_day", on=previous))
    last_day = (month - datetime.timedelta(days=1)).day
    return roll_to_working_day(previous.replace(day=min(day, last_day)))


def consolidation_deadline(*, municipality: Municipality, month: datetime.date) -> datetime.date:
    """Within ``consolidation_working_days`` working days after the counties' deadline the
    city plan is consolidated, approved and requested from finance."""
    deadline = usage_plan_deadline(municipality=municipality, month=month)
    days = int(rule_value(municipality=municipality, key="consolidation_working_days", on=deadline))
    return add_working_days(deadline, days)


def _month_field_errors(callable_, **kwargs) -> datetime.date:
    """Deadlines as a field error on ``month`` (an unknown calendar year, a missing rule)."""
    try:
        return callable_(**kwargs)
    except ValidationError as error:
        raise ValidationError({"month": error.messages}) from error


# ---------------------------------------------------------------------------------------------
# Shared helpers
# ---------------------------------------------------------------------------------------------


def _require(actor: User, capability: str) -> None:
    if not has_capability(actor, capability):
        raise PermissionDenied(_("Your role may not do this."))


def _require_own_county(actor: User, county: County) -> None:
    _require(actor, "settlement.submit_plans")
    if actor.county_id != county.pk:
        raise PermissionDenied(_("County officers act only for their own county."))


def _require_city(actor: User, municipality_id: int) -> None:
    if actor.municipality_id != municipality_id:
        raise PermissionDenied(_("This belongs to another city."))


def _refuse_transition(instance, verb: str) -> ValidationError:
    return ValidationError(
        _("This is %(status)s; it cannot be %(verb)s."),
        code="invalid_transition",
        params={"status": instance.get_status_display(), "verb": verb},
    )


def _transition(model, instance, *, from_status, to_status: str, verb: str, **fields):
    """One conditional UPDATE from ``from_status`` (one or several) to ``to_status``; a
    concurrent or repeated request finds the status changed and is refused."""
    allowed = from_status if isinstance(from_status, list | tuple) else [from_status]
    before = snapshot(instance)
    changed = model.objects.filter(pk=instance.pk, status__in=allowed).update(
        status=to_status, **fields
    )
    instance.refresh_from_db()
    if not changed:
        raise _refuse_transition(instance, verb)
    return before


def _validated_lines(lines: Sequence[PlanLineInput], *, with_purpose: bool) -> list[PlanLineInput]:
    if not lines:
        raise ValidationError({"lines": _("Enter at least one line.")})
    seen = set()
    clean = []
    for line in lines:
        amount = round_money(line.amount)
        if amount <= 0:
            raise ValidationError({"lines": _("Every amount must be more than zero.")})
        key = (line.fund_type.pk, line.purpose if with_purpose else "")
        if key in seen:
            raise ValidationError({"lines": _("Each fund and purpose may appear only once.")})
        seen.add(key)
        clean.append(PlanLineInput(fund_type=line.fund_type, amount=amount, purpose=line.purpose))
    return clean


def _step_done(
    city_plan: CityMonthlyPlan, name: str, actor: User, today: datetime.date
) -> PlanStep:
    step = PlanStep.objects.select_for_update().get(city_plan=city_plan, name=name)
    step.done_at = timezone.now()
    step.done_by = actor
    step.on_time = today <= step.deadline
    step.save(update_fields=["done_at", "done_by", "on_time"])
    return step


# ---------------------------------------------------------------------------------------------
# Annual expenditure plans (N 三(四)4 first paragraph)
# ---------------------------------------------------------------------------------------------


@transaction.atomic(durable=True)
def annual_plan_submit(
    *, county: County, year: int, lines: Sequence[PlanLineInput], actor: User
) -> AnnualPlan:
    """A county submits (or, once returned, resubmits) its annual plan; each fund's amount
    must fit within the county's expenditure quota, else the excess is named."""
    _require_own_county(actor, county)
    lines = _validated_lines(lines, with_purpose=False)
    for line in lines:
        quota = quota_for(county=county, year=year, fund_type=line.fund_type)
        ceiling = quota.total if quota else ZERO
        if line.amount > ceiling:
            raise ValidationError(
                {
                    "lines": _(
                        "%(fund)s: the plan of %(amount)s exceeds the expenditure quota of "
                        "%(quota)s by %(excess)s yuan."
                    )
                    % {
                        "fund": line.fund_type.name,
                        "amount": line.amount,
                        "quota": ceiling,
                        "excess": line.amount - ceiling,
                    }
                },
                code="over_quota",
            )
    plan, created = AnnualPlan.objects.get_or_create(
        county=county,
        year=year,
        defaults={
            "municipality": county.municipality,
            "status": AnnualPlan.Status.SUBMITTED,
            "submitted_by": actor,
            "submitted_at": timezone.now(),
        },
    )
    before = None
    if not created:
        before = _transition(
            AnnualPlan,
            plan,
            from_status=AnnualPlan.Status.RETURNED,
            to_status=AnnualPlan.Status.SUBMITTED,
            verb=_("submitted again"),
            submitted_by=actor,
            submitted_at=timezone.now(),
            return_reason="",
        )
        plan.lines.all().delete()
    AnnualPlanLine.objects.bulk_create(
        [AnnualPlanLine(plan=plan, fund_type=line.fund_type, amount=line.amount) for line in lines]
    )
    audit_record(
        actor=actor,
        action="settlement.annual_plan_submit",
        instance=plan,
        before=before,
        municipality=county.municipality,
        county=county,
    )
    return plan


@transaction.atomic(durable=True)
def annual_plan_review(*, plan: AnnualPlan, actor: User) -> AnnualPlan:
    """The city agency reviews a submitted annual plan and takes it into the consolidation."""
    _require(actor, "settlement.review_plans")
    _require_city(actor, plan.municipality_id)
    before = _transition(
        AnnualPlan,
        plan,
        from_status=AnnualPlan.Status.SUBMITTED,
        to_status=AnnualPlan.Status.REVIEWED,
        verb=_("reviewed"),
        reviewed_by=actor,
        reviewed_at=timezone.now(),
    )
    audit_record(
        actor=actor,
        action="settlement.annual_plan_review",
        instance=plan,
        before=before,
        municipality=plan.municipality,
        county=plan.county,
    )
    return plan


@transaction.atomic(durable=True)
def annual_plan_return(*, plan: AnnualPlan, actor: User, reason: str) -> AnnualPlan:
    """The city agency returns a submitted annual plan to the county with a reason."""
    _require(actor, "settlement.review_plans")
    _require_city(actor, plan.municipality_id)
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the plan is returned.")})
    before = _transition(
        AnnualPlan,
        plan,
        from_status=AnnualPlan.Status.SUBMITTED,
        to_status=AnnualPlan.Status.RETURNED,
        verb=_("returned"),
        return_reason=reason.strip(),
    )
    audit_record(
        actor=actor,
        action="settlement.annual_plan_return",
        instance=plan,
        before=before,
        municipality=plan.municipality,
        county=plan.county,
    )
    return plan


@transaction.atomic(durable=True)
def annual_plan_approve(*, plan: AnnualPlan, actor: User) -> AnnualPlan:
    """The bureau approves a reviewed annual plan; the reviewer may not approve it."""
    _require(actor, "settlement.approve_plans")
    _require_city(actor, plan.municipality_id)
    if actor.pk in (plan.reviewed_by_id, plan.submitted_by_id):
        raise ValidationError(
            _("You submitted or reviewed this plan; someone else must approve it."),
            code="same_person",
        )
    before = _transition(
        AnnualPlan,
        plan,
        from_status=AnnualPlan.Status.REVIEWED,
        to_status=AnnualPlan.Status.APPROVED,
        verb=_("approved"),
        approved_by=actor,
        approved_at=timezone.now(),
    )
    audit_record(
        actor=actor,
        action="settlement.annual_plan_approve",
        instance=plan,
        before=before,
        municipality=plan.municipality,
        county=plan.county,
    )
    return plan


# ---------------------------------------------------------------------------------------------
# Monthly usage plans
# ---------------------------------------------------------------------------------------------


def remaining_by_fund(
    *, county: County, year: int, exclude: UsagePlan | None = None
) -> dict[int, Decimal]:
    """What is left of the county's approved annual plan, per fund id: the approved amount
    less every usage plan of the year that is submitted or consolidated."""
    approved = dict(
        AnnualPlanLine.objects.filter(
            plan__county=county, plan__year=year, plan__status=AnnualPlan.Status.APPROVED
        ).values_list("fund_type_id", "amount")
    )
    used_rows = (
        UsagePlanLine.objects.filter(
            plan__county=county,
            plan__month__year=year,
            plan__status__in=[UsagePlan.Status.SUBMITTED, UsagePlan.Status.CONSOLIDATED],
        )
        .exclude(plan=exclude)
        .values("fund_type_id")
        .annotate(total=Sum("amount"))
    )
    used = {row["fund_type_id"]: row["total"] for row in used_rows}
    return {fund_id: amount - used.get(fund_id, ZERO) for fund_id, amount in approved.items()}


@transaction.atomic(durable=True)
def usage_plan_submit(
    *,
    county: County,
    month: datetime.date,
    lines: Sequence[PlanLineInput],
    actor: User,
    note: str = "",
    today: datetime.date | None = None,
) -> UsagePlan:
    """A county submits next month's usage plan, or resubmits a returned one.

    Steps: (1) only the county's own officer; (2) the deadline in force (an unknown calendar
    year is an error on ``month``); (3) lock the county's approved annual plan, so the county's
    submissions queue; (4) refuse a month already consolidated; (5) refuse any fund over what
    is left of the annual plan, naming the excess; (6) flag a late plan and refuse it when
    ``late_usage_plan_accepted`` is 0; (7) write the plan and its lines.
    """
    _require_own_county(actor, county)
    municipality = county.municipality
    today = today or timezone.localdate()
    if month != month_start(month):
        raise ValidationError({"month": _("A month is given as its first day.")})
    lines = _validated_lines(lines, with_purpose=True)
    deadline = _month_field_errors(usage_plan_deadline, municipality=municipality, month=month)

    annual = (
        AnnualPlan.objects.select_for_update()
        .filter(county=county, year=month.year, status=AnnualPlan.Status.APPROVED)
        .first()
    )
    if annual is None:
        raise ValidationError(
            {
                "month": _("The county has no approved annual plan for %(year)s.")
                % {"year": month.year}
            }
        )
    if CityMonthlyPlan.objects.filter(municipality=municipality, month=month).exists():
        raise ValidationError(
            {"month": _("The city plan of this month is already consolidated.")},
            code="consolidated",
        )
    existing = UsagePlan.objects.filter(county=county, month=month).first()
    remaining = remaining_by_fund(county=county, year=month.year, exclude=existing)
    wanted: dict[FundType, Decimal] = defaultdict(lambda: ZERO)
    for line in lines:
        wanted[line.fund_type] += line.amount
    for fund, amount in wanted.items():
        left = remaining.get(fund.pk, ZERO)
        if amount > left:
            raise ValidationError(
                {
                    "lines": _(
                        "%(fund)s: the plan of %(amount)s exceeds what is left of the approved "
                        "annual plan (%(left)s) by %(excess)s yuan."
                    )
                    % {"fund": fund.name, "amount": amount, "left": left, "excess": amount - left}
                },
                code="over_plan",
            )
    is_late = today > deadline
    if (
        is_late
        and rule_value(municipality=municipality, key="late_usage_plan_accepted", on=deadline) != 1
    ):
        raise ValidationError(
            {
                "month": _(
                    "The deadline for this month's plan was %(deadline)s; late plans are "
                    "not accepted."
                )
                % {"deadline": deadline.isoformat()}
            },
            code="late",
        )
    now = timezone.now()
    fields = {
        "deadline": deadline,
        "is_late": is_late,
        "note": note,
        "submitted_by": actor,
        "submitted_at": now,
        "return_reason": "",
    }
    before = None
    if existing is None:
        plan = UsagePlan.objects.create(
            municipality=municipality,
            county=county,
            month=month,
            status=UsagePlan.Status.SUBMITTED,
            **fields,
        )
    else:
        plan = existing
        before = _transition(
            UsagePlan,
            plan,
            from_status=UsagePlan.Status.RETURNED,
            to_status=UsagePlan.Status.SUBMITTED,
            verb=_("submitted again"),
            **fields,
        )
        plan.lines.all().delete()
    UsagePlanLine.objects.bulk_create(
        [
            UsagePlanLine(
                plan=plan, fund_type=line.fund_type, purpose=line.purpose, amount=line.amount
            )
            for line in lines
        ]
    )
    audit_record(
        actor=actor,
        action="settlement.usage_plan_submit",
        instance=plan,
        before=before,
        municipality=municipality,
        county=county,
    )
    return plan


@transaction.atomic(durable=True)
def usage_plan_return(*, plan: UsagePlan, actor: User, reason: str) -> UsagePlan:
    """The city agency returns a submitted usage plan to the county with a reason."""
    _require(actor, "settlement.review_plans")
    _require_city(actor, plan.municipality_id)
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the plan is returned.")})
    before = _transition(
        UsagePlan,
        plan,
        from_status=UsagePlan.Status.SUBMITTED,
        to_status=UsagePlan.Status.RETURNED,
        verb=_("returned"),
        return_reason=reason.strip(),
        returned_by=actor,
    )
    audit_record(
        actor=actor,
        action="settlement.usage_plan_return",
        instance=plan,
        before=before,
        municipality=plan.municipality,
        county=plan.county,
    )
    return plan


# ---------------------------------------------------------------------------------------------
# The city monthly plan
# ---------------------------------------------------------------------------------------------


@transaction.atomic(durable=True)
def city_plan_consolidate(
    *,
    municipality: Municipality,
    month: datetime.date,
    actor: User,
    today: datetime.date | None = None,
) -> CityMonthlyPlan:
    """The city agency consolidates every submitted usage plan of ``month`` into the city
    monthly plan; member counties without one are recorded as missing. Once per month: the
    unique constraint decides a race."""
    _require(actor, "settlement.review_plans")
    _require_city(actor, municipality.pk)
    today = today or timezone.localdate()
    deadline = _month_field_errors(consolidation_deadline, municipality=municipality, month=month)
    plans = list(
        UsagePlan.objects.select_for_update()
        .filter(municipality=municipality, month=month, status=UsagePlan.Status.SUBMITTED)
        .order_by("pk")
    )
    if not plans:
        raise ValidationError({"month": _("No county has a submitted plan for this month.")})
    city_plan, created = CityMonthlyPlan.objects.get_or_create(
        municipality=municipality,
        month=month,
        defaults={"status": CityMonthlyPlan.Status.CONSOLIDATED},
    )
    if not created:
        raise ValidationError(
            {"month": _("This month's city plan is already consolidated.")}, code="consolidated"
        )
    UsagePlan.objects.filter(pk__in=[plan.pk for plan in plans]).update(
        status=UsagePlan.Status.CONSOLIDATED, city_plan=city_plan
    )
    with_plan = {plan.county_id for plan in plans}
    city_plan.missing_counties = [
        county.code
        for county in municipality.counties.order_by("code")
        if county.is_member_on(month) and county.pk not in with_plan
    ]
    city_plan.save(update_fields=["missing_counties"])
    for name in (PlanStepName.CONSOLIDATION, PlanStepName.APPROVAL, PlanStepName.FUNDING_REQUEST):
        PlanStep.objects.create(city_plan=city_plan, name=name, deadline=deadline)
    _step_done(city_plan, PlanStepName.CONSOLIDATION, actor, today)
    audit_record(
        actor=actor,
        action="settlement.city_plan_consolidate",
        instance=city_plan,
        municipality=municipality,
    )
    return city_plan


def _step_actor(city_plan: CityMonthlyPlan, name: str) -> int | None:
    return (
        PlanStep.objects.filter(city_plan=city_plan, name=name)
        .values_list("done_by", flat=True)
        .first()
    )


@transaction.atomic(durable=True)
def city_plan_approve(
    *, city_plan: CityMonthlyPlan, actor: User, today: datetime.date | None = None
) -> CityMonthlyPlan:
    """The bureau approves the consolidated city plan; its consolidator may not."""
    today = today or timezone.localdate()
    _require(actor, "settlement.approve_plans")
    _require_city(actor, city_plan.municipality_id)
    if _step_actor(city_plan, PlanStepName.CONSOLIDATION) == actor.pk:
        raise ValidationError(
            _("You consolidated this plan; someone else must approve it."), code="same_person"
        )
    before = _transition(
        CityMonthlyPlan,
        city_plan,
        from_status=CityMonthlyPlan.Status.CONSOLIDATED,
        to_status=CityMonthlyPlan.Status.APPROVED,
        verb=_("approved"),
    )
    _step_done(city_plan, PlanStepName.APPROVAL, actor, today)
    audit_record(
        actor=actor,
        action="settlement.city_plan_approve",
        instance=city_plan,
        before=before,
        municipality=city_plan.municipality,
    )
    return city_plan


@transaction.atomic(durable=True)
def city_plan_request_funding(
    *, city_plan: CityMonthlyPlan, actor: User, today: datetime.date | None = None
) -> CityMonthlyPlan:
    """The bureau sends the approved plan to finance as its funding request; finance's
    deadline is ``disbursement_working_days`` working days after the request."""
    _require(actor, "settlement.approve_plans")
    _require_city(actor, city_plan.municipality_id)
    today = today or timezone.localdate()
    municipality = city_plan.municipality
    days = int(rule_value(municipality=municipality, key="disbursement_working_days", on=today))
    deadline = add_working_days(today, days)
    before = _transition(
        CityMonthlyPlan,
        city_plan,
        from_status=CityMonthlyPlan.Status.APPROVED,
        to_status=CityMonthlyPlan.Status.REQUESTED,
        verb=_("requested from finance"),
    )
    _step_done(city_plan, PlanStepName.FUNDING_REQUEST, actor, today)
    PlanStep.objects.create(city_plan=city_plan, name=PlanStepName.DISBURSEMENT, deadline=deadline)
    audit_record(
        actor=actor,
        action="settlement.city_plan_request_funding",
        instance=city_plan,
        before=before,
        municipality=municipality,
    )
    return city_plan


def plan_totals(*, city_plan: CityMonthlyPlan) -> dict[tuple[int, str], Decimal]:
    """The consolidated amounts per (county id, fund code)."""
    rows = (
        UsagePlanLine.objects.filter(plan__city_plan=city_plan)
        .values("plan__county_id", "fund_type__code")
        .annotate(total=Sum("amount"))
        .order_by("plan__county_id", "fund_type__code")
    )
    return {(row["plan__county_id"], row["fund_type__code"]): row["total"] for row in rows}


def _disbursement_specs(city_plan: CityMonthlyPlan, day: datetime.date) -> list[EntrySpec]:
    municipality = city_plan.municipality
    by_fund: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for (_county_id, fund_code), amount in plan_totals(city_plan=city_plan).items():
        by_fund[fund_code] += amount
    specs = []
    for fund_code, amount in sorted(by_fund.items()):
        fiscal = account_for(
            municipality=municipality,
            county=None,
            kind=Account.Kind.FISCAL_SPECIAL,
            fund_code=fund_code,
        )
        city = account_for(
            municipality=municipality,
            county=None,
            kind=Account.Kind.EXPENDITURE,
            fund_code=fund_code,
        )
        specs.append(
            EntrySpec(
                kind=JournalEntry.Kind.DISBURSEMENT,
                month=month_start(day),
                effective_date=day,
                memo=DISBURSEMENT_MEMO.format(month=city_plan.month),
                idempotency_key=f"plan-disbursement:{municipality.pk}:{city_plan.month:%Y-%m}"
                f":{fund_code}",
                lines=[PostingLine(fiscal, -amount), PostingLine(city, amount)],
                source=city_plan,
                source_label=str(city_plan),
            )
        )
    return specs


def _allocation_specs(city_plan: CityMonthlyPlan, day: datetime.date) -> list[EntrySpec]:
    municipality = city_plan.municipality
    counties = {county.pk: county for county in municipality.counties.all()}
    specs = []
    for (county_id, fund_code), amount in plan_totals(city_plan=city_plan).items():
        county = counties[county_id]
        city = account_for(
            municipality=municipality,
            county=None,
            kind=Account.Kind.EXPENDITURE,
            fund_code=fund_code,
        )
        own = account_for(
            municipality=municipality,
            county=county,
            kind=Account.Kind.EXPENDITURE,
            fund_code=fund_code,
        )
        specs.append(
            EntrySpec(
                kind=JournalEntry.Kind.ALLOCATION,
                month=month_start(day),
                effective_date=day,
                memo=ALLOCATION_MEMO.format(county=county.name, month=city_plan.month),
                idempotency_key=f"plan-allocation:{municipality.pk}:{city_plan.month:%Y-%m}"
                f":{county.code}:{fund_code}",
                lines=[PostingLine(city, -amount), PostingLine(own, amount)],
                source=city_plan,
                source_label=str(city_plan),
            )
        )
    return specs


@transaction.atomic(durable=True)
def disbursement_confirm(
    *, city_plan: CityMonthlyPlan, actor: User, today: datetime.date | None = None
) -> CityMonthlyPlan:
    """Finance confirms the disbursement: one entry per fund from the fiscal special account
    into the city expenditure account. Confirming again changes nothing."""
    _require(actor, "settlement.confirm_disbursement")
    _require_city(actor, city_plan.municipality_id)
    today = today or timezone.localdate()
    city_plan = CityMonthlyPlan.objects.select_for_update().get(pk=city_plan.pk)
    if city_plan.status in (CityMonthlyPlan.Status.DISBURSED, CityMonthlyPlan.Status.ALLOCATED):
        return city_plan
    if city_plan.status != CityMonthlyPlan.Status.REQUESTED:
        raise _refuse_transition(city_plan, _("disbursed"))
    municipality = city_plan.municipality
    days = int(rule_value(municipality=municipality, key="allocation_working_days", on=today))
    allocation_deadline = add_working_days(today, days)
    entries_post_batch(
        municipality=municipality, entries=_disbursement_specs(city_plan, today), actor=actor
    )
    before = _transition(
        CityMonthlyPlan,
        city_plan,
        from_status=CityMonthlyPlan.Status.REQUESTED,
        to_status=CityMonthlyPlan.Status.DISBURSED,
        verb=_("disbursed"),
    )
    _step_done(city_plan, PlanStepName.DISBURSEMENT, actor, today)
    PlanStep.objects.create(
        city_plan=city_plan, name=PlanStepName.ALLOCATION, deadline=allocation_deadline
    )
    audit_record(
        actor=actor,
        action="settlement.disbursement_confirm",
        instance=city_plan,
        before=before,
        municipality=municipality,
    )
    return city_plan


@transaction.atomic(durable=True)
def allocation_run(
    *, city_plan: CityMonthlyPlan, actor: User, today: datetime.date | None = None
) -> CityMonthlyPlan:
    """The city pays each county's expenditure account what its plan asked for, per fund.
    Running it again changes nothing."""
    _require(actor, "settlement.allocate")
    _require_city(actor, city_plan.municipality_id)
    today = today or timezone.localdate()
    city_plan = CityMonthlyPlan.objects.select_for_update().get(pk=city_plan.pk)
    if city_plan.status == CityMonthlyPlan.Status.ALLOCATED:
        return city_plan
    if city_plan.status != CityMonthlyPlan.Status.DISBURSED:
        raise _refuse_transition(city_plan, _("allocated"))
    municipality = city_plan.municipality
    entries_post_batch(
        municipality=municipality, entries=_allocation_specs(city_plan, today), actor=actor
    )
    before = _transition(
        CityMonthlyPlan,
        city_plan,
        from_status=CityMonthlyPlan.Status.DISBURSED,
        to_status=CityMonthlyPlan.Status.ALLOCATED,
        verb=_("allocated"),
    )
    _step_done(city_plan, PlanStepName.ALLOCATION, actor, today)
    audit_record(
        actor=actor,
        action="settlement.allocation_run",
        instance=city_plan,
        before=before,
        municipality=municipality,
    )
    return city_plan
