"""Annual expenditure plans and the monthly usage plan → disbursement → allocation cycle
(N 三(四)4).

The month's procedure, each step with its deadline from the working-day calendar and the
dated rules in force (the deadlines are ``settlement.plans.selectors``):

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

Every status change is a transition of the plan's workflow (``settlement.plans.models``): one
conditional UPDATE, so of two concurrent clicks one wins and the other is refused.
Disbursement and allocation are ledger entries with idempotency keys: running them again
changes nothing. Segregation of duties: the roles come from ``pooling.core.access``; on top,
nobody approves what they submitted (or reviewed, or consolidated) and a county officer acts
only for their own county.
"""

import datetime
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from funds.budgets.selectors import quota_for
from funds.ledger.models import Account, FundType, JournalEntry
from funds.ledger.selectors import account_for
from funds.ledger.services import EntrySpec, PostingLine, entries_post_batch
from pooling.accounts.models import User
from pooling.core.access import has_capability
from pooling.core.audit import audit_record
from pooling.core.money import ZERO, month_start, round_money
from pooling.rules.selectors import rule_value
from pooling.structure.models import County, Municipality
from pooling.workdays.selectors import add_working_days
from settlement.plans.models import (
    ANNUAL_PLAN_WORKFLOW,
    CITY_PLAN_WORKFLOW,
    USAGE_PLAN_WORKFLOW,
    AnnualPlan,
    AnnualPlanLine,
    CityMonthlyPlan,
    PlanStep,
    PlanStepName,
    UsagePlan,
    UsagePlanLine,
    approved_by_someone_else,
    not_the_consolidator,
)
from settlement.plans.selectors import (
    consolidation_deadline,
    plan_totals,
    remaining_by_fund,
    usage_plan_deadline,
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
# Shared checks
# ---------------------------------------------------------------------------------------------


def _deadline_of_month(deadline: Callable[..., datetime.date], **kwargs) -> datetime.date:
    """A deadline, its refusal (an unknown calendar year, a missing rule) as an error on
    ``month``."""
    try:
        return deadline(**kwargs)
    except ValidationError as error:
        raise ValidationError({"month": error.messages}) from error


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
    """Record who did the city plan's step ``name`` and whether it was within its deadline."""
    step = PlanStep.objects.select_for_update().get(city_plan=city_plan, name=name)
    step.done_at = timezone.now()
    step.done_by = actor
    step.on_time = today <= step.deadline
    step.save(update_fields=["done_at", "done_by", "on_time"])
    return step


# ---------------------------------------------------------------------------------------------
# Annual expenditure plans (N 三(四)4 first paragraph)
# ---------------------------------------------------------------------------------------------


def _refuse_over_quota(county: County, year: int, lines: Sequence[PlanLineInput]) -> None:
    """Each fund's amount must fit within the county's expenditure quota; the excess is named."""
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


@transaction.atomic(durable=True)
def annual_plan_submit(
    *, county: County, year: int, lines: Sequence[PlanLineInput], actor: User
) -> AnnualPlan:
    """A county submits (or, once returned, resubmits) its annual plan; each fund's amount
    must fit within the county's expenditure quota, else the excess is named."""
    _require_own_county(actor, county)
    lines = _validated_lines(lines, with_purpose=False)
    _refuse_over_quota(county, year, lines)
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
        before = ANNUAL_PLAN_WORKFLOW.transition(
            plan,
            "resubmit",
            actor=actor,
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
    ANNUAL_PLAN_WORKFLOW.transition(
        plan,
        "review",
        actor=actor,
        reviewed_by=actor,
        reviewed_at=timezone.now(),
        audit_action="settlement.annual_plan_review",
    )
    return plan


@transaction.atomic(durable=True)
def annual_plan_return(*, plan: AnnualPlan, actor: User, reason: str) -> AnnualPlan:
    """The city agency returns a submitted annual plan to the county with a reason."""
    _require(actor, "settlement.review_plans")
    _require_city(actor, plan.municipality_id)
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the plan is returned.")})
    ANNUAL_PLAN_WORKFLOW.transition(
        plan,
        "return",
        actor=actor,
        return_reason=reason.strip(),
        audit_action="settlement.annual_plan_return",
    )
    return plan


@transaction.atomic(durable=True)
def annual_plan_approve(*, plan: AnnualPlan, actor: User) -> AnnualPlan:
    """The bureau approves a reviewed annual plan; who submitted or reviewed it may not."""
    _require(actor, "settlement.approve_plans")
    _require_city(actor, plan.municipality_id)
    if not approved_by_someone_else(actor, plan):
        raise ValidationError(
            _("You submitted or reviewed this plan; someone else must approve it."),
            code="same_person",
        )
    ANNUAL_PLAN_WORKFLOW.transition(
        plan,
        "approve",
        actor=actor,
        approved_by=actor,
        approved_at=timezone.now(),
        audit_action="settlement.annual_plan_approve",
    )
    return plan


# ---------------------------------------------------------------------------------------------
# Monthly usage plans
# ---------------------------------------------------------------------------------------------


def _refuse_over_annual_plan(
    county: County, month: datetime.date, lines: Sequence[PlanLineInput], existing: UsagePlan | None
) -> None:
    """Each fund's total must fit within what is left of the county's approved annual plan
    (the plan being resubmitted does not count against itself); the excess is named."""
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


def _refuse_late(municipality: Municipality, deadline: datetime.date) -> None:
    """A plan after its deadline is accepted (and flagged) unless the rule in force says no."""
    if rule_value(municipality=municipality, key="late_usage_plan_accepted", on=deadline) != 1:
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
    deadline = _deadline_of_month(usage_plan_deadline, municipality=municipality, month=month)

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
    _refuse_over_annual_plan(county, month, lines, existing)
    is_late = today > deadline
    if is_late:
        _refuse_late(municipality, deadline)

    fields = {
        "deadline": deadline,
        "is_late": is_late,
        "note": note,
        "submitted_by": actor,
        "submitted_at": timezone.now(),
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
        before = USAGE_PLAN_WORKFLOW.transition(plan, "resubmit", actor=actor, **fields)
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
    USAGE_PLAN_WORKFLOW.transition(
        plan,
        "return",
        actor=actor,
        return_reason=reason.strip(),
        returned_by=actor,
        audit_action="settlement.usage_plan_return",
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
    deadline = _deadline_of_month(consolidation_deadline, municipality=municipality, month=month)
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
    for plan in plans:
        USAGE_PLAN_WORKFLOW.transition(plan, "consolidate", actor=actor, city_plan=city_plan)
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


@transaction.atomic(durable=True)
def city_plan_approve(
    *, city_plan: CityMonthlyPlan, actor: User, today: datetime.date | None = None
) -> CityMonthlyPlan:
    """The bureau approves the consolidated city plan; its consolidator may not."""
    today = today or timezone.localdate()
    _require(actor, "settlement.approve_plans")
    _require_city(actor, city_plan.municipality_id)
    if not not_the_consolidator(actor, city_plan):
        raise ValidationError(
            _("You consolidated this plan; someone else must approve it."), code="same_person"
        )
    before = CITY_PLAN_WORKFLOW.transition(city_plan, "approve", actor=actor)
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
    before = CITY_PLAN_WORKFLOW.transition(city_plan, "request", actor=actor)
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


def _transfer_spec(
    city_plan: CityMonthlyPlan,
    day: datetime.date,
    *,
    kind: str,
    memo: str,
    key: str,
    fund_code: str,
    paid_by: tuple[County | None, str],
    paid_to: tuple[County | None, str],
    amount: Decimal,
) -> EntrySpec:
    """One entry of the city plan on ``day``: ``amount`` of ``fund_code`` from the account
    ``paid_by`` (county or None for the city, account kind) to ``paid_to``."""
    municipality = city_plan.municipality
    source, target = (
        account_for(municipality=municipality, county=county, kind=account, fund_code=fund_code)
        for county, account in (paid_by, paid_to)
    )
    return EntrySpec(
        kind=kind,
        month=month_start(day),
        effective_date=day,
        memo=memo,
        idempotency_key=f"plan-{key}",
        lines=[PostingLine(source, -amount), PostingLine(target, amount)],
        source=city_plan,
        source_label=str(city_plan),
    )


def _disbursement_specs(city_plan: CityMonthlyPlan, day: datetime.date) -> list[EntrySpec]:
    """One entry per fund: the fiscal special account pays the city expenditure account the
    month's consolidated total."""
    by_fund: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for (_county_id, fund_code), amount in plan_totals(city_plan=city_plan).items():
        by_fund[fund_code] += amount
    month = f"{city_plan.municipality_id}:{city_plan.month:%Y-%m}"
    return [
        _transfer_spec(
            city_plan,
            day,
            kind=JournalEntry.Kind.DISBURSEMENT,
            memo=DISBURSEMENT_MEMO.format(month=city_plan.month),
            key=f"disbursement:{month}:{fund_code}",
            fund_code=fund_code,
            paid_by=(None, Account.Kind.FISCAL_SPECIAL),
            paid_to=(None, Account.Kind.EXPENDITURE),
            amount=amount,
        )
        for fund_code, amount in sorted(by_fund.items())
    ]


def _allocation_specs(city_plan: CityMonthlyPlan, day: datetime.date) -> list[EntrySpec]:
    """One entry per county and fund: the city expenditure account pays the county's."""
    counties = {county.pk: county for county in city_plan.municipality.counties.all()}
    month = f"{city_plan.municipality_id}:{city_plan.month:%Y-%m}"
    return [
        _transfer_spec(
            city_plan,
            day,
            kind=JournalEntry.Kind.ALLOCATION,
            memo=ALLOCATION_MEMO.format(county=counties[county_id].name, month=city_plan.month),
            key=f"allocation:{month}:{counties[county_id].code}:{fund_code}",
            fund_code=fund_code,
            paid_by=(None, Account.Kind.EXPENDITURE),
            paid_to=(counties[county_id], Account.Kind.EXPENDITURE),
            amount=amount,
        )
        for (county_id, fund_code), amount in plan_totals(city_plan=city_plan).items()
    ]


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
        raise CITY_PLAN_WORKFLOW.refusal(city_plan, CITY_PLAN_WORKFLOW["disburse"])
    municipality = city_plan.municipality
    days = int(rule_value(municipality=municipality, key="allocation_working_days", on=today))
    allocation_deadline = add_working_days(today, days)
    entries_post_batch(
        municipality=municipality, entries=_disbursement_specs(city_plan, today), actor=actor
    )
    before = CITY_PLAN_WORKFLOW.transition(city_plan, "disburse", actor=actor)
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
        raise CITY_PLAN_WORKFLOW.refusal(city_plan, CITY_PLAN_WORKFLOW["allocate"])
    municipality = city_plan.municipality
    entries_post_batch(
        municipality=municipality, entries=_allocation_specs(city_plan, today), actor=actor
    )
    before = CITY_PLAN_WORKFLOW.transition(city_plan, "allocate", actor=actor)
    _step_done(city_plan, PlanStepName.ALLOCATION, actor, today)
    audit_record(
        actor=actor,
        action="settlement.allocation_run",
        instance=city_plan,
        before=before,
        municipality=municipality,
    )
    return city_plan
