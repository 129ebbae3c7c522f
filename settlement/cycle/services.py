"""The monthly cycle (DOMAIN §6, §7, §11; N 三(四)3; Z 四(二)).

Steps, in order (``STEP_ORDER``):

1. assessment — what every person and employer owes for the month (enrollment).
2. collections cut-off — fixes, per county income account and fund, what is to move and
   where, from the county's pooling model in force that month:
   unified (N 三(四)3): county income → city income;
   tiered / tiered with adjustment fund (J 二(五)2, Z 四(四)): county income → the county's
   own fiscal special account, except that, where the dated rule
   ``maternity_remitted_to_city`` is 1 for the county (Zhengzhou's districts, Z 四(二)), the
   maternity fund goes to the city maternity income account, and where
   ``resident_fund_remitted_to_city`` is 1 (Zhengzhou's districts but 上街区, Z 四(四)) the
   resident fund 390100 goes to the city's resident income account.
   Revenue never moves from an income account into an expenditure account.
3. remittance — posts those lines (one balanced entry each, fund by fund).
4. fiscal transfer — at month end the city income accounts move to the finance bureau's
   fiscal special account.
5. zero-balance check — every county income account and the city income account stands at
   zero, or the month cannot close and the step names each account still holding money.
6. month close — the ledger month is closed.

``cycle_start`` creates the month's cycle and queues its steps (one Celery chain, sent when
the transaction commits); ``cycle_step_rerun`` queues a failed step again with the steps
after it. The per-county steps (``PARTITIONED_STEPS``: assessment, remittance) run as one
part per county (``CyclePart``), a Celery group whose parts run on as many workers as there
are; each part is one transaction and idempotent, the step is done when every part is
(``cycle_step_join``, the group's join kept in the database, so a killed worker's part is
simply run again), and the chain goes on from there. The city-wide steps run after. Every
step runs in one transaction holding its step row locked (``SKIP LOCKED``): a second worker
on the same step skips it; a failure rolls the step's ledger work back, records
the error and leaves the step to be run again; a step already done is not run again. Ledger
entries carry idempotency keys made of cycle, step, account and fund. The statuses of the
cycle and of its steps change only through their workflows (``settlement.cycle.models``).
"""

import datetime
import logging
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import OperationalError, transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django_celery_beat.models import CrontabSchedule, PeriodicTask

from enrollment.contributions.services import assessment_run_within
from funds.booking.selectors import collection_batches_ready
from funds.booking.services import collection_batch_post, retiree_credits_post
from funds.ledger.models import Account, ClosedMonth, FundType, JournalEntry
from funds.ledger.services import EntrySpec, PostingLine, entries_post_batch, month_close
from pooling.accounts.models import User
from pooling.core.audit import audit_record
from pooling.core.money import (
    month_end,
    round_money,
    validate_month_ended,
    validate_month_start,
)
from pooling.rules.selectors import rule_value
from pooling.structure.models import County, Municipality, PoolingModel
from pooling.structure.selectors import pooling_model_for
from settlement.cycle.models import (
    CYCLE_PART_WORKFLOW,
    CYCLE_STEP_WORKFLOW,
    CYCLE_WORKFLOW,
    STEP_ORDER,
    CyclePart,
    CycleStep,
    MonthlyCycle,
    RemittanceLine,
    StepName,
)

logger = logging.getLogger(__name__)

MATERNITY_FUND = "920100"
RESIDENT_FUND = "390100"


# The finance bureau holds the city's fiscal special account; income accounts may only pay
# into these kinds (财社〔2017〕144号 art. 39).
ALLOWED_TARGET_KINDS = frozenset({Account.Kind.INCOME, Account.Kind.FISCAL_SPECIAL})


class StepFailed(Exception):
    """A step could not finish; its message is shown on the cycle page."""


@dataclass(frozen=True)
class StepOutcome:
    name: str
    status: str
    count: int
    amount: Decimal
    error: str


# --------------------------------------------------------------------------------------------
# Starting a cycle
# --------------------------------------------------------------------------------------------


def _queue_steps(cycle: MonthlyCycle, actor: User | None, start: str | None = None) -> None:
    """Once the transaction commits, queue the cycle's steps from ``start`` (default: the
    first) as one Celery chain; without a broker the chain runs in this process then."""
    # The tasks call this module's services, so they are imported when first needed.
    from settlement.cycle.tasks import cycle_steps_enqueue

    cycle_id, actor_id = cycle.pk, actor.pk if actor else None
    transaction.on_commit(lambda: cycle_steps_enqueue(cycle_id, actor_id, start))


@transaction.atomic(durable=True)
def cycle_start(
    *,
    municipality: Municipality,
    month: datetime.date,
    actor: User | None,
    queue: bool = True,
    resume: bool = False,
) -> tuple[MonthlyCycle, bool]:
    """The month's cycle, created with its steps the first time; ``(cycle, created)``.

    A cycle created here is queued to run once the transaction commits (``cycle_steps_enqueue``
    in ``settlement.cycle.tasks``); with ``resume`` an existing cycle that is not completed is
    queued again too (its done steps are skipped, a failed one is retried). ``queue=False`` is
    for callers that run the steps themselves in this process (``run_cycle``, the simulation,
    the demo, the benchmark). Two triggers at once both get the same cycle: the unique
    constraint decides who created it (``get_or_create`` retries the read on the loser's
    IntegrityError).

    A month's cycle may start only on or after the month's last day (Asia/Shanghai): its steps
    remit the month's revenue and close the month for good, so an earlier start is refused
    (``validate_month_ended``) and no cycle is created.
    """
    validate_month_start(month)
    validate_month_ended(month)
    cycle, created = MonthlyCycle.objects.get_or_create(
        municipality=municipality, month=month, defaults={"started_by": actor}
    )
    if created:
        CycleStep.objects.bulk_create(
            CycleStep(cycle=cycle, name=name, position=position)
            for position, name in enumerate(STEP_ORDER, start=1)
        )
        audit_record(actor=actor, action="cycle.start", instance=cycle, municipality=municipality)
    unfinished = cycle.status != MonthlyCycle.Status.COMPLETED
    if queue and (created or (resume and unfinished)):
        _queue_steps(cycle, actor)
    return cycle, created


# --------------------------------------------------------------------------------------------
# Per-county parts
# --------------------------------------------------------------------------------------------

PARTITIONED_STEPS = frozenset({StepName.ASSESSMENT, StepName.REMITTANCE})


def _step_due(step: CycleStep) -> bool:
    """Not done, and every earlier step done."""
    if step.status == CycleStep.Status.DONE:
        return False
    return not (
        step.cycle.steps.filter(position__lt=step.position)
        .exclude(status=CycleStep.Status.DONE)
        .exists()
    )


def cycle_parts_prepare(*, step: CycleStep) -> list[CyclePart]:
    """The step's parts that are still to run, one per county of the municipality, created the
    first time (the unique constraint decides between two workers); none when the step is not
    due."""
    if step.name not in PARTITIONED_STEPS or not _step_due(step):
        return []
    counties = County.objects.filter(municipality_id=step.cycle.municipality_id)
    CyclePart.objects.bulk_create(
        [CyclePart(step=step, county=county) for county in counties], ignore_conflicts=True
    )
    return list(
        step.parts.exclude(status=CyclePart.Status.DONE)
        .select_related("county", "step__cycle__municipality")
        .order_by("county__code")
    )


def cycle_part_run(*, part: CyclePart, actor: User | None) -> CyclePart:
    """Run one county's part of a step if it is due, in one transaction holding the part row
    locked (a second worker on the same part waits, then finds it done and does nothing); a
    part done is not run again. A failure rolls the part's work back and is recorded on the
    part. Returns the part afterwards."""
    step = part.step
    if part.status == CyclePart.Status.DONE or not _step_due(step):
        return part
    try:
        CYCLE_WORKFLOW.transition(step.cycle, "run", actor=actor)
    except ValidationError:  # another worker completed the cycle meanwhile
        return part
    try:
        validate_month_ended(step.cycle.month)
        with transaction.atomic():
            locked = (
                CyclePart.objects.select_for_update(of=("self",))
                .filter(pk=part.pk)
                .exclude(status=CyclePart.Status.DONE)
                .first()
            )
            if locked is not None:
                count, amount, details = _PART_RUNNERS[step.name](step.cycle, part.county, actor)
                CYCLE_PART_WORKFLOW.transition(
                    locked,
                    "finish",
                    actor=None,
                    finished_at=timezone.now(),
                    count=count,
                    amount=amount,
                    details=details,
                    error="",
                    attempts=F("attempts") + 1,
                )
    except (StepFailed, ValidationError) as error:
        message = "; ".join(error.messages) if isinstance(error, ValidationError) else str(error)
        _mark_part_failed(part, message)
    except OperationalError as error:
        _mark_part_failed(part, str(error))
        raise
    except Exception as error:
        logger.exception("Part %s of cycle step %s failed", part.county, step)
        _mark_part_failed(part, f"{type(error).__name__}: {error}")
    part.refresh_from_db()
    return part


def _mark_part_failed(part: CyclePart, message: str) -> None:
    try:
        CYCLE_PART_WORKFLOW.transition(
            part,
            "fail",
            actor=None,
            finished_at=timezone.now(),
            error=message[:4000],
            attempts=F("attempts") + 1,
        )
    except ValidationError:
        logger.info("Part %s finished elsewhere; its failure here is not recorded", part)


def cycle_step_join(*, step: CycleStep, actor: User | None, queue: bool = True) -> bool:
    """Finish a per-county step once all its parts are done (its figures are their sums), or
    fail it naming each failed county once no part is still to run. True when this call
    finished the step; then, with ``queue``, the steps after it are queued once the
    transaction commits. Every part calls it after its own commit, so the last one to finish
    sees them all."""
    step.refresh_from_db()
    if not _step_due(step):
        return False
    started = step.started_at or timezone.now()
    try:
        with transaction.atomic():
            locked = _lock_step(step)
            if locked is None:
                return False
            parts = list(locked.parts.select_related("county").order_by("county__code"))
            statuses = {part.status for part in parts}
            if CyclePart.Status.PENDING in statuses or not parts:
                return False
            if CyclePart.Status.FAILED in statuses:
                raise StepFailed(
                    "; ".join(
                        f"{part.county.name}: {part.error}"
                        for part in parts
                        if part.status == CyclePart.Status.FAILED
                    )
                )
            details: dict = {"parts": len(parts)}
            for part in parts:
                for key, value in part.details.items():
                    details[key] = details.get(key, 0) + value
            _mark_done(
                locked,
                started,
                sum(part.count for part in parts),
                sum((part.amount for part in parts), Decimal("0.00")),
                details,
            )
            if queue:
                following = STEP_ORDER.index(step.name) + 1
                if following < len(STEP_ORDER):
                    _queue_steps(step.cycle, actor, start=STEP_ORDER[following])
    except StepFailed as error:
        _mark_failed(step, started, str(error))
        step.refresh_from_db()
        _refresh_cycle_status(step.cycle)
        return False
    step.refresh_from_db()
    _refresh_cycle_status(step.cycle)
    return True


def _run_parts_here(step: CycleStep, actor: User | None) -> None:
    """Run the step's remaining parts one after the other in this process (no broker, or a
    re-run after a worker died); then join them. The assessment's parts run as one statement
    (``_assessment_parts_at_once``)."""
    parts = cycle_parts_prepare(step=step)
    if step.name == StepName.ASSESSMENT and len(parts) > 1:
        _assessment_parts_at_once(step, parts, actor)
    else:
        for part in parts:
            cycle_part_run(part=part, actor=actor)
    cycle_step_join(step=step, actor=actor, queue=False)


def _assessment_parts_at_once(step: CycleStep, parts: list[CyclePart], actor: User | None) -> None:
    """In this process, assess every county still pending with one statement and mark their
    parts done in the same transaction: a statement per county scans the people, bases and
    employers once per county (N 三(二)1–2). Idempotent like a part: counties already
    assessed get nothing new. A failure is recorded on each of the parts."""
    cycle = step.cycle
    try:
        CYCLE_WORKFLOW.transition(cycle, "run", actor=actor)
    except ValidationError:  # another worker completed the cycle meanwhile
        return
    try:
        with transaction.atomic():
            locked = list(
                CyclePart.objects.select_for_update(of=("self",))
                .filter(pk__in=[part.pk for part in parts])
                .exclude(status=CyclePart.Status.DONE)
                .order_by("pk")
            )
            result = assessment_run_within(
                municipality=cycle.municipality, month=cycle.month, actor=actor, by_county=True
            )
            for part in locked:
                CYCLE_PART_WORKFLOW.transition(
                    part,
                    "finish",
                    actor=None,
                    finished_at=timezone.now(),
                    count=result.created_by_county.get(part.county_id, 0),
                    amount=Decimal("0.00"),
                    details={"missing_base": result.missing_base_by_county.get(part.county_id, 0)},
                    error="",
                    attempts=F("attempts") + 1,
                )
    except (StepFailed, ValidationError) as error:
        message = "; ".join(error.messages) if isinstance(error, ValidationError) else str(error)
        for part in parts:
            _mark_part_failed(part, message)
    except OperationalError as error:
        for part in parts:
            _mark_part_failed(part, str(error))
        raise
    except Exception as error:
        logger.exception("The assessment of cycle step %s failed", step)
        for part in parts:
            _mark_part_failed(part, f"{type(error).__name__}: {error}")


# --------------------------------------------------------------------------------------------
# Running a step
# --------------------------------------------------------------------------------------------


def _progress_key(step_id: int) -> str:
    return f"cycle-step-progress:{step_id}"


def step_progress(step: CycleStep) -> dict | None:
    """Live progress of a running step (``done``/``total``), shared through the cache."""
    return cache.get(_progress_key(step.pk))


def _report(step: CycleStep, done: int, total: int) -> None:
    cache.set(_progress_key(step.pk), {"done": done, "total": total}, timeout=3600)


def cycle_step_run(*, cycle: MonthlyCycle, name: str, actor: User | None) -> StepOutcome:
    """Run one step if it is due: not done, every earlier step done, nobody else running it.

    Returns the step's state afterwards. A failure is recorded on the step (error text) and
    leaves the ledger as it was before the step; running it again retries it. Not one
    transaction: the step's work is one (``_run_locked``), and its failure is recorded after
    that transaction rolled back.
    """
    step = cycle.steps.get(name=name)
    earlier_open = cycle.steps.filter(position__lt=step.position).exclude(
        status=CycleStep.Status.DONE
    )
    if step.status == CycleStep.Status.DONE or earlier_open.exists():
        return _outcome(step)
    try:
        CYCLE_WORKFLOW.transition(cycle, "run", actor=actor)
    except ValidationError:  # another worker completed the cycle meanwhile
        return _outcome(step)
    if name in PARTITIONED_STEPS:
        try:
            # The per-county parts check it too; refused here, the step fails once, not per county.
            validate_month_ended(cycle.month)
        except ValidationError as error:
            _mark_failed(step, timezone.now(), "; ".join(error.messages))
            _refresh_cycle_status(cycle)
        else:
            _run_parts_here(step, actor)
        step.refresh_from_db()
        return _outcome(step)
    started = timezone.now()
    _report(step, 0, 1)
    try:
        if not _run_locked(cycle, step, actor, started):
            return _outcome(step)
    except (StepFailed, ValidationError) as error:
        message = "; ".join(error.messages) if isinstance(error, ValidationError) else str(error)
        _mark_failed(step, started, message)
    except OperationalError as error:
        # Transient (connection lost, lock timeout): recorded, then re-raised so that the
        # Celery task retries it.
        _mark_failed(step, started, str(error))
        raise
    except Exception as error:
        logger.exception("Cycle step %s of %s failed", name, cycle)
        _mark_failed(step, started, f"{type(error).__name__}: {error}")
    finally:
        cache.delete(_progress_key(step.pk))
    step.refresh_from_db()
    _refresh_cycle_status(cycle)
    return _outcome(step)


def _run_locked(cycle: MonthlyCycle, step: CycleStep, actor: User | None, started) -> bool:
    """Do the step's work and mark it done in one transaction holding the step row locked.
    False (nothing done) when another worker holds the lock or the step is done already.
    A cycle of a month that has not ended (one created before starting early was refused)
    fails here with the reason, before any work."""
    validate_month_ended(cycle.month)
    runner = _RUNNERS[step.name]
    with transaction.atomic():
        locked = _lock_step(step)
        if locked is None:
            return False
        count, amount, details = runner(cycle, locked, actor)
        _mark_done(locked, started, count, amount, details)
    return True


def _lock_step(step: CycleStep) -> CycleStep | None:
    """Lock the step row for this transaction; None when another worker holds it or it is
    already done (the second of two concurrent triggers does nothing)."""
    locked = CycleStep.objects.select_for_update(skip_locked=True).filter(pk=step.pk).first()
    if locked is None or locked.status == CycleStep.Status.DONE:
        return None
    return locked


def _mark_done(step: CycleStep, started, count: int, amount: Decimal, details: dict) -> None:
    CYCLE_STEP_WORKFLOW.transition(
        step,
        "finish",
        actor=None,
        started_at=started,
        finished_at=timezone.now(),
        count=count,
        amount=amount,
        details=details,
        error="",
        attempts=F("attempts") + 1,
    )


def _mark_failed(step: CycleStep, started, message: str) -> None:
    """Record the failure, unless the step was done meanwhile (by another worker)."""
    try:
        CYCLE_STEP_WORKFLOW.transition(
            step,
            "fail",
            actor=None,
            started_at=started,
            finished_at=timezone.now(),
            error=message[:4000],
            attempts=F("attempts") + 1,
        )
    except ValidationError:
        logger.info("Cycle step %s finished elsewhere; its failure here is not recorded", step)


def _refresh_cycle_status(cycle: MonthlyCycle) -> None:
    """The cycle after a step ran: completed when every step is done, failed when one failed,
    else still running."""
    statuses = set(cycle.steps.values_list("status", flat=True))
    if statuses == {CycleStep.Status.DONE}:
        CYCLE_WORKFLOW.transition(cycle, "complete", actor=None, finished_at=timezone.now())
    elif CycleStep.Status.FAILED in statuses:
        CYCLE_WORKFLOW.transition(cycle, "fail", actor=None, finished_at=None)


def _outcome(step: CycleStep) -> StepOutcome:
    return StepOutcome(step.name, step.status, step.count, step.amount, step.error)


def cycle_run_all(*, cycle: MonthlyCycle, actor: User | None) -> list[StepOutcome]:
    """Run the remaining steps in order in this process, stopping at the first failure
    (``run_cycle``, the simulation; workers run the same steps as a chain)."""
    outcomes = []
    for name in STEP_ORDER:
        outcome = cycle_step_run(cycle=cycle, name=name, actor=actor)
        outcomes.append(outcome)
        if outcome.status != CycleStep.Status.DONE:
            break
    return outcomes


@transaction.atomic(durable=True)
def cycle_step_rerun(*, step: CycleStep, actor: User | None, queue: bool = True) -> CycleStep:
    """Make a failed step pending again and (unless ``queue=False``: the caller runs it)
    queue it and the steps after it once the transaction commits; a done step stays done."""
    CYCLE_STEP_WORKFLOW.transition(step, "rerun", actor=actor)
    # Its failed parts run again; the parts done stay done.
    step.parts.filter(status=CyclePart.Status.FAILED).update(status=CyclePart.Status.PENDING)
    audit_record(
        actor=actor,
        action="cycle.rerun_step",
        instance=step,
        after={"step": step.name, "error": step.error},
        municipality=step.cycle.municipality,
    )
    if queue:
        _queue_steps(step.cycle, actor, start=step.name)
    return step


# --------------------------------------------------------------------------------------------
# The steps
# --------------------------------------------------------------------------------------------

StepResult = tuple[int, Decimal, dict]


def _part_assessment(cycle: MonthlyCycle, county: County, actor: User | None) -> StepResult:
    """A county's assessments for the month (N 三(二)1–2); idempotent (a rerun adds
    nothing)."""
    result = assessment_run_within(
        municipality=cycle.municipality, county=county, month=cycle.month, actor=actor
    )
    return result.created, Decimal("0.00"), {"missing_base": result.missing_base}


def _retiree_credits(cycle: MonthlyCycle, actor: User | None) -> tuple[int, str]:
    """Credit the retirees' monthly personal-account amounts from the month's pooled income.

    When a unit's pooled income cannot cover its retirees' credits the ledger refuses them
    (an income account never goes below zero); the credits then stay pending — shown on the
    step and on the collections page, posted by a later run once funded — and the month's
    remittance goes on. Returns (retirees credited, the refusal or "").
    """
    try:
        with transaction.atomic():
            result = retiree_credits_post(
                municipality=cycle.municipality, month=cycle.month, actor=actor
            )
    except ValidationError as error:
        return 0, "; ".join(error.messages)
    return result.credited, ""


def _income_accounts(municipality: Municipality):
    return Account.objects.filter(
        municipality=municipality, kind=Account.Kind.INCOME, owner=Account.Owner.COUNTY
    ).select_related("county", "fund_type")


def _target_for(cycle: MonthlyCycle, account: Account, model: str) -> tuple[Account, str]:
    """Where a county income account's money goes under ``model`` (module docstring)."""
    municipality = cycle.municipality
    fund = account.fund_type
    remitted_key = _REMITTED_TO_CITY_RULE.get(fund.code)
    to_city = model == PoolingModel.UNIFIED or (
        remitted_key is not None and _remitted_to_city(cycle, account.county, remitted_key)
    )
    if to_city:
        target = _account(municipality, None, Account.Owner.CITY, Account.Kind.INCOME, fund)
    else:
        target = _account(
            municipality, account.county, Account.Owner.COUNTY, Account.Kind.FISCAL_SPECIAL, fund
        )
    if target.kind not in ALLOWED_TARGET_KINDS:
        raise StepFailed(
            _("Revenue may not move from an income account into %(account)s.")
            % {"account": target.name}
        )
    return target, model


# Funds a tiered county may hand to the city level, each by its dated county rule: maternity
# (Z 四(二)) and the resident fund (Z 四(四): the districts' resident fund, not 上街区's, is
# managed and accounted at the city level).
_REMITTED_TO_CITY_RULE = {
    MATERNITY_FUND: "maternity_remitted_to_city",
    RESIDENT_FUND: "resident_fund_remitted_to_city",
}


def _remitted_to_city(cycle: MonthlyCycle, county: County, key: str) -> bool:
    value = rule_value(
        municipality=cycle.municipality,
        key=key,
        on=cycle.month,
        county=county,
    )
    return value == 1


def _account(
    municipality: Municipality, county: County | None, owner: str, kind: str, fund: FundType
) -> Account:
    if kind == Account.Kind.FISCAL_SPECIAL and county is None:
        owner = Account.Owner.FINANCE_BUREAU
    try:
        return Account.objects.get(
            municipality=municipality, county=county, owner=owner, kind=kind, fund_type=fund
        )
    except Account.DoesNotExist as error:
        where = county.name if county else municipality.name
        raise StepFailed(
            _("%(where)s has no %(kind)s account for %(fund)s; open the county's accounts first.")
            % {"where": where, "kind": kind, "fund": fund.name}
        ) from error


def _step_cutoff(cycle: MonthlyCycle, step: CycleStep, actor: User | None) -> StepResult:
    """Post what was collected, then fix the remittance lines from the income balances.

    Every collection file still waiting is posted to the county income accounts (and the
    personal-account subledger), and the retirees' monthly personal-account credits move out
    of the pooled-fund income (``funds.booking``); then the balances held are what the
    remittance moves.
    """
    batches = list(collection_batches_ready(municipality=cycle.municipality))
    for batch in batches:
        collection_batch_post(batch=batch, actor=actor, on=month_end(cycle.month))
    credited, credit_error = _retiree_credits(cycle, actor)
    accounts = list(
        _income_accounts(cycle.municipality)
        .filter(balance__gt=0)
        .order_by("pk")
        .select_for_update(of=("self",))
    )
    lines = []
    for done, account in enumerate(accounts, start=1):
        period = pooling_model_for(county=account.county, month=cycle.month)
        if period is None:
            raise StepFailed(
                _("%(county)s has no pooling model in force for %(month)s.")
                % {"county": account.county.name, "month": cycle.month.strftime("%Y-%m")}
            )
        target, model = _target_for(cycle, account, period.model)
        lines.append(
            RemittanceLine(
                cycle=cycle,
                stage=RemittanceLine.Stage.REMITTANCE,
                county=account.county,
                pooling_model=model,
                fund_type=account.fund_type,
                from_account=account,
                to_account=target,
                amount=account.balance,
            )
        )
        _report(step, done, len(accounts))
    RemittanceLine.objects.bulk_create(lines)
    total = sum((line.amount for line in lines), Decimal("0.00"))
    details = {
        "accounts": len(accounts),
        "collection_batches_posted": len(batches),
        "retirees_credited": credited,
    }
    if credit_error:
        details["retiree_credits_pending"] = credit_error
    return len(lines), total, details


def _post_lines(
    cycle: MonthlyCycle, step: CycleStep | None, lines: list[RemittanceLine], actor: User | None
) -> StepResult:
    """Post each line as one balanced entry (from −amount, to +amount) in its fund."""
    effective = month_end(cycle.month)
    specs = [
        EntrySpec(
            kind=JournalEntry.Kind.REMITTANCE,
            month=cycle.month,
            effective_date=effective,
            memo=_memo(line),
            idempotency_key=f"cycle:{cycle.pk}:{line.stage}:{line.from_account_id}",
            lines=[
                PostingLine(account=line.from_account, amount=-line.amount),
                PostingLine(account=line.to_account, amount=line.amount),
            ],
            source=cycle,
            source_label=f"{cycle} {line.get_stage_display()}",
        )
        for line in lines
    ]
    if not specs:
        return 0, Decimal("0.00"), {}
    result = entries_post_batch(municipality=cycle.municipality, entries=specs, actor=actor)
    for line, entry_id in zip(lines, result.entry_ids, strict=True):
        line.entry_id = entry_id
    RemittanceLine.objects.bulk_update(lines, ["entry"])
    if step is not None:
        _report(step, len(lines), len(lines))
    total = sum((line.amount for line in lines), Decimal("0.00"))
    return len(lines), total, {"entries_created": result.created}


def _memo(line: RemittanceLine) -> str:
    """The remittance pair of budget lines (DOMAIN §11): 上解上级支出 at the county,
    下级上解收入 at the city; a tiered county's own transfer is 转入财政专户."""
    if line.to_account.kind == Account.Kind.FISCAL_SPECIAL:
        return f"{line.from_account.name} → {line.to_account.name}（转入财政专户）"
    return f"{line.from_account.name} 上解上级支出 → {line.to_account.name} 下级上解收入"


def _part_remittance(cycle: MonthlyCycle, county: County, actor: User | None) -> StepResult:
    """Post a county's remittance lines fixed at the cut-off; the entries' idempotency keys
    (cycle, stage, account) make a second run a replay."""
    lines = list(
        cycle.lines.filter(stage=RemittanceLine.Stage.REMITTANCE, county=county)
        .select_related("from_account", "to_account")
        .order_by("pk")
    )
    return _post_lines(cycle, None, lines, actor)


def _step_fiscal_transfer(cycle: MonthlyCycle, step: CycleStep, actor: User | None) -> StepResult:
    """Move every city income account's balance to the fiscal special account (N 三(四)3)."""
    city_income = list(
        Account.objects.filter(
            municipality=cycle.municipality,
            county__isnull=True,
            owner=Account.Owner.CITY,
            kind=Account.Kind.INCOME,
            balance__gt=0,
        )
        .select_related("fund_type")
        .order_by("pk")
        .select_for_update(of=("self",))
    )
    lines = [
        RemittanceLine(
            cycle=cycle,
            stage=RemittanceLine.Stage.FISCAL_TRANSFER,
            fund_type=account.fund_type,
            from_account=account,
            to_account=_account(
                cycle.municipality,
                None,
                Account.Owner.FINANCE_BUREAU,
                Account.Kind.FISCAL_SPECIAL,
                account.fund_type,
            ),
            amount=account.balance,
        )
        for account in city_income
    ]
    RemittanceLine.objects.bulk_create(lines)
    return _post_lines(cycle, step, lines, actor)


def _step_zero_balance(cycle: MonthlyCycle, step: CycleStep, actor: User | None) -> StepResult:
    """Every county and city income account must stand at zero (DOMAIN §6, §11)."""
    holding = list(
        Account.objects.filter(
            municipality=cycle.municipality,
            kind=Account.Kind.INCOME,
            owner__in=[Account.Owner.COUNTY, Account.Owner.CITY],
        )
        .exclude(balance=0)
        .select_related("county", "fund_type")
        .order_by("county__code", "fund_type__code")
    )
    checked = Account.objects.filter(
        municipality=cycle.municipality,
        kind=Account.Kind.INCOME,
        owner__in=[Account.Owner.COUNTY, Account.Owner.CITY],
    ).count()
    if holding:
        listing = "; ".join(f"{account.name}: {account.balance}" for account in holding)
        raise StepFailed(
            _("The month cannot close: these income accounts do not stand at zero: %(list)s")
            % {"list": listing}
        )
    return checked, Decimal("0.00"), {"accounts_checked": checked}


def _step_month_close(cycle: MonthlyCycle, step: CycleStep, actor: User | None) -> StepResult:
    if not ClosedMonth.objects.filter(municipality=cycle.municipality, month=cycle.month).exists():
        month_close(municipality=cycle.municipality, month=cycle.month, actor=actor)
    remitted = cycle.lines.filter(stage=RemittanceLine.Stage.REMITTANCE).aggregate(
        total=Sum("amount")
    )["total"] or Decimal("0.00")
    return 1, round_money(remitted), {}


_RUNNERS: dict[str, Callable[[MonthlyCycle, CycleStep, User | None], StepResult]] = {
    StepName.COLLECTIONS_CUTOFF: _step_cutoff,
    StepName.FISCAL_TRANSFER: _step_fiscal_transfer,
    StepName.ZERO_BALANCE_CHECK: _step_zero_balance,
    StepName.MONTH_CLOSE: _step_month_close,
}

_PART_RUNNERS: dict[str, Callable[[MonthlyCycle, County, User | None], StepResult]] = {
    StepName.ASSESSMENT: _part_assessment,
    StepName.REMITTANCE: _part_remittance,
}


# --------------------------------------------------------------------------------------------
# The month-end schedule (Celery beat, stored by django-celery-beat)
# --------------------------------------------------------------------------------------------

SCHEDULE_NAME = "settlement-month-end"
SCHEDULE_TASK = "settlement.tasks.month_end_cycles_task"


# 22:00 on days 28–31; the task itself acts only on the month's last day.
DEFAULT_SCHEDULE = {"minute": "0", "hour": "22", "day_of_month": "28-31"}


def _month_end_schedule_ensure() -> PeriodicTask:
    task = PeriodicTask.objects.select_related("crontab").filter(name=SCHEDULE_NAME).first()
    if task is None:
        crontab, _created = CrontabSchedule.objects.get_or_create(
            month_of_year="*", day_of_week="*", timezone="Asia/Shanghai", **DEFAULT_SCHEDULE
        )
        task, _created = PeriodicTask.objects.get_or_create(
            name=SCHEDULE_NAME, defaults={"task": SCHEDULE_TASK, "crontab": crontab}
        )
    return task


@transaction.atomic(durable=True)
def month_end_schedule() -> PeriodicTask:
    """The beat entry that starts month-end cycles, created with the default on first use
    (the migration creates it too; a flushed database gets it back here)."""
    return _month_end_schedule_ensure()


@transaction.atomic(durable=True)
def month_end_schedule_update(
    *, minute: str, hour: str, day_of_month: str, enabled: bool, actor: User
) -> PeriodicTask:
    """Change when beat starts the month-end cycles; takes effect at beat's next sync."""
    _month_end_schedule_ensure()
    task = PeriodicTask.objects.select_for_update().get(name=SCHEDULE_NAME)
    before = {
        "crontab": str(task.crontab),
        "enabled": task.enabled,
    }
    crontab, _created = CrontabSchedule.objects.get_or_create(
        minute=minute,
        hour=hour,
        day_of_month=day_of_month,
        month_of_year="*",
        day_of_week="*",
        timezone="Asia/Shanghai",
    )
    task.crontab = crontab
    task.enabled = enabled
    task.save()
    audit_record(
        actor=actor,
        action="cycle.schedule",
        instance=task,
        before=before,
        after={"crontab": str(crontab), "enabled": enabled},
    )
    return task
