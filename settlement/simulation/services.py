"""A year of the product run end to end through its own services: ``simulate_year`` runs
``simulation_year_run``, and the demo's spending month runs the usage-plan month of it
(``simulation_plan_month``).

One month M, in the order the documents prescribe, each step by the persona who does it:

1. **Assessment** of M (agency clerk; the cycle's first step, N 三(二)).
2. **Collections**: a tax-bureau file paying every assessment of M in full is generated from
   the assessments and imported through ``collection_file_import`` (matched like a real file).
3. **Usage plan** of M (N 三(四)3–4), for the counties whose revenue is pooled at the
   city (unified collection and expenditure): each county's officer files a plan of
   ``SPENDING_SHARE`` of its net pooled-fund revenue of M−1 (premiums less the retirees'
   personal-account credits), before the deadline;
   the clerk consolidates, the bureau approves and requests funding, finance disburses, the
   clerk allocates (补助下级支出 / 上级补助收入). No plan in the first month: the city pool is
   empty until the first remittance. A tiered county keeps its revenue in its own fiscal
   special account; its officer moves the same share (at most what the account holds) to the
   county's expenditure account through ``own_disbursement_post`` (县级基金拨付).
4. **Benefit statements** of M: one designated hospital per county claims
   ``CLAIM_SHARE`` of what the county received for M; the county officer approves it less
   a ``CUT_SHARE`` cut with a reason, and pays it on the 20th (``settlement.benefits``).
   In March, June, September and December the quarter's **interest** is computed from the
   ledger and confirmed by the clerk with the bank's figure (``funds.interest``, N 三(四)).
5. **The monthly cycle** of M (``settlement.cycle``): cut-off (posts the collection file
   and the retirees' personal-account credits), remittance, fiscal transfer, zero-balance
   check, month close.

**Idempotency.** A month whose cycle is completed is skipped whole, so running the same year
again books nothing. Inside a month every service is idempotent or guarded: assessments by
their unique rows, the collection file by its SHA-256, the plan month by its city plan, the
ledger entries by their keys, statements by (institution, month, fund). A month that failed
half-way resumes where it stopped.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db.models import Sum

from enrollment.collection_files.services import collection_file_import
from enrollment.contributions.models import Assessment
from enrollment.people.demo import demo_population_create
from funds.budgets.models import FundBudget
from funds.budgets.services import (
    expenditure_quota_set,
    fund_budget_approve,
    fund_budget_draft,
    fund_budget_submit,
)
from funds.history.models import HistoricalBalance
from funds.history.services import DepositInput, historical_balance_register, time_deposits_collect
from funds.interest.models import InterestSettlement
from funds.interest.selectors import SETTLEMENT_DAY, SETTLEMENT_MONTHS
from funds.interest.services import interest_quarter_compute, interest_settlement_confirm
from funds.ledger.models import Account, FundType
from funds.ledger.selectors import account_for, ledger_verify
from funds.ledger.services import accounts_open_for_municipality
from funds.reports.selectors import county_year_results, final_accounts_check, line_totals
from pooling.accounts.models import Role, User
from pooling.core.money import month_has_ended, round_money
from pooling.structure.models import County, Municipality, PoolingModel
from pooling.structure.selectors import pooling_model_for
from settlement.benefits.models import BenefitStatement
from settlement.benefits.services import (
    benefit_statement_enter,
    benefit_statement_pay,
    benefit_statement_review,
)
from settlement.cycle.models import CycleStep, MonthlyCycle, StepName
from settlement.cycle.services import cycle_run_all, cycle_start, cycle_step_run
from settlement.institutions.models import DesignatedInstitution
from settlement.institutions.services import institution_admit
from settlement.own_disbursements.services import own_disbursement_post
from settlement.plans.models import AnnualPlan, CityMonthlyPlan, PlanPurpose, UsagePlan
from settlement.plans.selectors import consolidation_deadline, plan_totals, usage_plan_deadline
from settlement.plans.services import (
    PlanLineInput,
    allocation_run,
    annual_plan_approve,
    annual_plan_review,
    annual_plan_submit,
    city_plan_approve,
    city_plan_consolidate,
    city_plan_request_funding,
    disbursement_confirm,
    usage_plan_submit,
)
from settlement.yearend.models import DeficitApplication
from settlement.yearend.services import (
    adjustment_year_run,
    deficit_apply,
    deficit_approve,
    deficit_review,
)

POOLED_FUND = "310100"


# Shares of the simulation (not policy parameters: they shape a plausible year).
SPENDING_SHARE = Decimal("0.70")  # of last month's net pooled-fund revenue, planned to spend
CLAIM_SHARE = Decimal("0.90")  # of the month's funding claimed by the county's hospital
CUT_SHARE = Decimal("0.02")  # cut by the county's review
PAY_DAY = 20


class SimulationError(Exception):
    """A step of the simulated month failed; the message names the month and the step."""


@dataclass
class MonthResult:
    month: datetime.date
    skipped: bool = False
    assessed: int = 0
    collected: Decimal = Decimal("0.00")
    planned: Decimal = Decimal("0.00")
    own_disbursed: Decimal = Decimal("0.00")
    paid: Decimal = Decimal("0.00")
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Personas:
    clerk: User
    bureau: User
    finance: User
    officers: dict[int, User]


def personas_for(municipality: Municipality, *, create_officers: bool = True) -> Personas:
    """The city's clerk, bureau approver and finance officer, and one officer per county. A
    county without an officer (the demo has two) gets a simulation officer with no usable
    password, so every county's step is still done by a county officer; with
    ``create_officers=False`` (the demo) such counties are left out."""
    users = User.objects.filter(municipality=municipality, is_active=True).order_by("pk")

    def first(role: str) -> User:
        user = users.filter(role=role).first()
        if user is None:
            raise SimulationError(f"{municipality.slug}: no active user with role {role}")
        return user

    officers = {}
    for county in municipality.counties.order_by("code"):
        officer = users.filter(role=Role.COUNTY_OFFICER, county=county).first()
        if officer is None and not create_officers:
            continue
        if officer is None:
            officer, created = User.objects.get_or_create(
                username=f"{municipality.slug}_sim_{county.code}",
                defaults={
                    "role": Role.COUNTY_OFFICER,
                    "municipality": municipality,
                    "county": county,
                    "first_name": f"{county.name}经办（模拟）",
                },
            )
            if created:
                officer.set_unusable_password()
                officer.save(update_fields=["password"])
        officers[county.pk] = officer
    return Personas(
        clerk=first(Role.AGENCY_CLERK),
        bureau=first(Role.BUREAU_APPROVER),
        finance=first(Role.FINANCE_OFFICER),
        officers=officers,
    )


def collection_file_for(municipality: Municipality, month: datetime.date) -> bytes:
    """The tax bureau's file paying every assessment of ``month`` in full: one row per
    employer (its employees together) and one per person without one (flexible workers)."""
    lines = ["payer_code,month,amount"]
    assessed = Assessment.objects.filter(municipality=municipality, month=month)
    per_employer = (
        assessed.filter(employer__isnull=False)
        .values("employer__credit_code")
        .annotate(total=Sum("total_due"))
        .order_by("employer__credit_code")
    )
    for row in per_employer:
        lines.append(f"{row['employer__credit_code']},{month:%Y-%m},{round_money(row['total'])}")
    solo = assessed.filter(employer__isnull=True).values_list("person__id_number", "total_due")
    for id_number, total in solo.order_by("person__id_number"):
        lines.append(f"{id_number},{month:%Y-%m},{round_money(total)}")
    return ("\n".join(lines) + "\n").encode()


def _share(amount: Decimal, share: Decimal) -> Decimal:
    return (amount * share).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def annual_plans_ensure(*, municipality: Municipality, year: int, personas: Personas) -> int:
    """The year's budget of the pooled fund, each county's quota and approved annual plan,
    sized at twelve times the county's January assessments (a ceiling the plans stay within).
    Returns the annual plans approved now (zero when they exist)."""
    fund = FundType.objects.get(code=POOLED_FUND)
    if FundBudget.objects.filter(municipality=municipality, year=year, fund_type=fund).exists():
        return 0
    january = datetime.date(year, 1, 1)
    due = dict(
        Assessment.objects.filter(municipality=municipality, month=january)
        .values("county_id")
        .annotate(total=Sum("total_due"))
        .values_list("county_id", "total")
    )
    counties = list(municipality.counties.order_by("code"))
    quotas = {county.pk: round_money((due.get(county.pk) or 0) * 12) + 1 for county in counties}
    total = sum(quotas.values(), Decimal("0.00"))
    budget = fund_budget_draft(
        municipality=municipality,
        year=year,
        fund_type=fund,
        actor=personas.clerk,
        lines={"premiums": total, "benefits": total},
    )
    for county in counties:
        expenditure_quota_set(
            budget=budget, county=county, amount=quotas[county.pk], actor=personas.clerk
        )
    fund_budget_submit(budget=budget, actor=personas.clerk)
    fund_budget_approve(budget=budget, actor=personas.bureau)
    approved = 0
    for county in counties:
        if AnnualPlan.objects.filter(county=county, year=year).exists():
            continue
        plan = annual_plan_submit(
            county=county,
            year=year,
            actor=personas.officers[county.pk],
            lines=[PlanLineInput(fund_type=fund, amount=quotas[county.pk])],
        )
        annual_plan_review(plan=plan, actor=personas.clerk)
        annual_plan_approve(plan=plan, actor=personas.bureau)
        approved += 1
    return approved


def hospital_for(county: County, year: int, actor: User) -> DesignatedInstitution:
    """The county's simulated designated hospital, admitted with an agreement for the year."""
    code = f"H{county.code}00901"
    hospital = DesignatedInstitution.objects.filter(code=code).first()
    if hospital is not None:
        return hospital
    return institution_admit(
        county=county,
        kind="hospital",
        code=code,
        name=f"{county.name}模拟定点医院",
        level="secondary",
        agreement_from=datetime.date(year, 1, 1),
        agreement_to=datetime.date(year, 12, 31),
        admitted_on=datetime.date(year - 1, 12, 15),
        actor=actor,
    )


def _net_revenue(
    municipality: Municipality, month: datetime.date, fund: FundType
) -> dict[int, Decimal]:
    """Each county's net pooled-fund revenue of ``month``: premiums less the retirees'
    personal-account credits transferred out of the pooled fund."""
    totals = line_totals(municipality=municipality, fund=fund, start=month, end=month)
    revenue: dict[int, Decimal] = defaultdict(lambda: Decimal("0.00"))
    for (county_id, code), amount in totals.items():
        if county_id is not None and code in ("premiums", "transfer_out"):
            revenue[county_id] += amount if code == "premiums" else -amount
    return revenue


def _planned_amounts(
    municipality: Municipality,
    month: datetime.date,
    revenue_month: datetime.date,
    personas: Personas,
) -> tuple[dict[County, Decimal], dict[County, Decimal]]:
    """What each county plans to spend in ``month``: ``SPENDING_SHARE`` of its net revenue of
    ``revenue_month``, split into the counties pooled at the city (their usage plans, scaled
    down to what the city pool holds) and the tiered counties (their own disbursements).
    Counties without an officer in ``personas`` are left out."""
    fund = FundType.objects.get(code=POOLED_FUND)
    premiums = _net_revenue(municipality, revenue_month, fund)
    pooled, own = {}, {}
    for county in municipality.counties.order_by("code"):
        period = pooling_model_for(county=county, month=month)
        amount = _share(premiums.get(county.pk, Decimal("0.00")), SPENDING_SHARE)
        if period is None or amount <= 0 or county.pk not in personas.officers:
            continue
        (pooled if period.model == PoolingModel.UNIFIED else own)[county] = amount
    city_fiscal = account_for(
        municipality=municipality,
        county=None,
        kind=Account.Kind.FISCAL_SPECIAL,
        fund_code=POOLED_FUND,
    )
    total = sum(pooled.values(), Decimal("0.00"))
    if total > city_fiscal.balance > 0:
        ratio = city_fiscal.balance / total
        pooled = {
            county: round_money(amount * ratio) - Decimal("0.01")
            for county, amount in pooled.items()
        }
    return pooled, own


def _city_plan_month(
    municipality: Municipality,
    month: datetime.date,
    pooled: dict[County, Decimal],
    personas: Personas,
) -> CityMonthlyPlan | None:
    """The usage plans of the pooled counties, filed before their deadline, consolidated,
    approved and requested on the consolidation deadline, disbursed and allocated on the
    1st; a step already taken is not taken again."""
    fund = FundType.objects.get(code=POOLED_FUND)
    deadline = usage_plan_deadline(municipality=municipality, month=month)
    consolidate_on = consolidation_deadline(municipality=municipality, month=month)
    city_plan = CityMonthlyPlan.objects.filter(municipality=municipality, month=month).first()
    if pooled and city_plan is None:
        for county, amount in pooled.items():
            if UsagePlan.objects.filter(county=county, month=month).exists():
                continue
            usage_plan_submit(
                county=county,
                month=month,
                actor=personas.officers[county.pk],
                lines=[PlanLineInput(fund_type=fund, amount=amount, purpose=PlanPurpose.BENEFITS)],
                today=deadline - datetime.timedelta(days=3),
            )
        city_plan = city_plan_consolidate(
            municipality=municipality, month=month, actor=personas.clerk, today=consolidate_on
        )
    if city_plan is None:
        return None
    if city_plan.status == CityMonthlyPlan.Status.CONSOLIDATED:
        city_plan = city_plan_approve(
            city_plan=city_plan, actor=personas.bureau, today=consolidate_on
        )
    if city_plan.status == CityMonthlyPlan.Status.APPROVED:
        city_plan = city_plan_request_funding(
            city_plan=city_plan, actor=personas.bureau, today=consolidate_on
        )
    city_plan = disbursement_confirm(city_plan=city_plan, actor=personas.finance, today=month)
    return allocation_run(city_plan=city_plan, actor=personas.clerk, today=month)


def _own_disbursements(
    month: datetime.date, own: dict[County, Decimal], personas: Personas
) -> dict[County, Decimal]:
    """Each tiered county's officer moves its planned amount, at most what its fiscal special
    account holds, to its expenditure account. Returns what each county moved."""
    moved = {}
    for county, planned in own.items():
        fiscal = account_for(
            municipality=county.municipality,
            county=county,
            kind=Account.Kind.FISCAL_SPECIAL,
            fund_code=POOLED_FUND,
        )
        amount = min(planned, fiscal.balance - fiscal.frozen_amount)
        if amount <= 0:
            continue
        own_disbursement_post(
            county=county,
            fund_code=POOLED_FUND,
            amount=amount,
            on=month,
            memo=f"{county.name} {month:%Y-%m} 财政专户拨付支出户（模拟）",
            actor=personas.officers[county.pk],
            request_key=f"simulation-{month:%Y-%m}",
        )
        moved[county] = amount
    return moved


def simulation_plan_month(
    *,
    municipality: Municipality,
    month: datetime.date,
    revenue_month: datetime.date,
    personas: Personas,
    result: MonthResult,
) -> dict[int, Decimal]:
    """Step 3 (module docstring): the usage-plan month of ``month`` through allocation, sized
    on each county's net revenue of ``revenue_month``, and the tiered counties' own
    disbursement. Counties without an officer in ``personas`` are left out. Returns what each
    county received for ``month``."""
    pooled, own = _planned_amounts(municipality, month, revenue_month, personas)
    received: dict[int, Decimal] = defaultdict(lambda: Decimal("0.00"))
    city_plan = _city_plan_month(municipality, month, pooled, personas)
    if city_plan is not None:
        for (county_id, fund_code), amount in plan_totals(city_plan=city_plan).items():
            if fund_code == POOLED_FUND:
                received[county_id] += round_money(amount)
                result.planned += round_money(amount)
    for county, amount in _own_disbursements(month, own, personas).items():
        received[county.pk] += amount
        result.own_disbursed += amount
    return received


def _benefits_month(
    municipality: Municipality,
    month: datetime.date,
    personas: Personas,
    received: dict[int, Decimal],
    result: MonthResult,
) -> None:
    """Step 4: each county's hospital claims, the county reviews with a cut and pays."""
    counties = {county.pk: county for county in municipality.counties.all()}
    for county_id, amount in sorted(received.items()):
        claim = _share(amount, CLAIM_SHARE)
        if claim <= 0:
            continue
        county = counties[county_id]
        officer = personas.officers[county_id]
        hospital = hospital_for(county, month.year, personas.clerk)
        statement = BenefitStatement.objects.filter(
            institution=hospital, month=month, fund_type__code=POOLED_FUND
        ).first()
        if statement is None:
            statement = benefit_statement_enter(
                institution=hospital,
                month=month,
                fund_code=POOLED_FUND,
                visits=max(1, int(claim // 300)),
                amount_claimed=claim,
                actor=officer,
            )
        if statement.status == BenefitStatement.Status.SUBMITTED:
            statement = benefit_statement_review(
                statement=statement,
                amount_approved=claim - _share(claim, CUT_SHARE),
                cut_reason="超出限价收费（模拟审核）",
                actor=officer,
            )
        benefit_statement_pay(
            statement=statement, actor=officer, paid_on=month.replace(day=PAY_DAY)
        )
        result.paid += statement.amount_approved


def _interest_quarter(municipality: Municipality, month: datetime.date, personas) -> None:
    """The quarter's interest settled on the 20th (N 三(四) 分别计息): computed from the
    ledger and confirmed by the clerk with the bank's figure, which here is the computed one."""
    settlement_date = month.replace(day=SETTLEMENT_DAY)
    rows = interest_quarter_compute(
        municipality=municipality, settlement_date=settlement_date, actor=personas.clerk
    )
    for row in rows:
        if row.status == InterestSettlement.Status.COMPUTED:
            interest_settlement_confirm(
                settlement=row, bank_interest=row.computed_interest, actor=personas.clerk
            )


def simulation_month_run(
    *,
    municipality: Municipality,
    month: datetime.date,
    personas: Personas | None = None,
    run_cycle: bool = True,
) -> MonthResult:
    """Run ``month`` (module docstring, steps 1–5); ``run_cycle=False`` stops before the
    cycle's steps after the assessment. Raises ``SimulationError`` naming the step that
    failed."""
    personas = personas or personas_for(municipality)
    result = MonthResult(month=month)
    cycle = MonthlyCycle.objects.filter(municipality=municipality, month=month).first()
    if cycle is not None and cycle.status == MonthlyCycle.Status.COMPLETED:
        result.skipped = True
        return result
    # The cycle's first step is the assessment (once per month: the collection file is made
    # from it); the other steps run after the month's business, below.
    cycle, _created = cycle_start(
        municipality=municipality, month=month, actor=personas.clerk, queue=False
    )
    assessed = cycle_step_run(cycle=cycle, name=StepName.ASSESSMENT, actor=personas.clerk)
    if assessed.status != CycleStep.Status.DONE:
        raise SimulationError(f"{month:%Y-%m} assessment: {assessed.error}")
    result.assessed = assessed.count
    step = "collections"
    try:
        content = collection_file_for(municipality, month)
        collection_file_import(
            municipality=municipality,
            file_name=f"simulation-{month:%Y-%m}.csv",
            content=content,
            actor=personas.clerk,
        )
        result.collected = round_money(
            Assessment.objects.filter(municipality=municipality, month=month).aggregate(
                total=Sum("total_due")
            )["total"]
            or 0
        )
        if month.month == 1:
            step = "budget and annual plans"
            annual_plans_ensure(municipality=municipality, year=month.year, personas=personas)
        step = "usage plan"
        received = {}
        if month.month > 1:  # the city pool is empty before the first remittance
            received = simulation_plan_month(
                municipality=municipality,
                month=month,
                revenue_month=datetime.date(month.year, month.month - 1, 1),
                personas=personas,
                result=result,
            )
        step = "benefit statements"
        _benefits_month(municipality, month, personas, received, result)
        if month.month in SETTLEMENT_MONTHS:
            step = "interest"
            _interest_quarter(municipality, month, personas)
    except ValidationError as error:
        raise SimulationError(f"{month:%Y-%m} {step}: {' '.join(error.messages)}") from error
    if run_cycle:
        for outcome in cycle_run_all(cycle=cycle, actor=personas.clerk):
            if outcome.status != CycleStep.Status.DONE:
                raise SimulationError(f"{month:%Y-%m} cycle: {outcome}")
    return result


@dataclass
class YearResult:
    """What ``simulation_year_run`` did and found."""

    year: int
    months: list[MonthResult] = field(default_factory=list)
    year_end: list[str] = field(default_factory=list)
    checks: dict[str, bool] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    figures: dict[str, Decimal] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return all(self.checks.values()) and not self.problems


def _historical_balance_ensure(municipality: Municipality, year: int, personas: Personas) -> None:
    """Under unified collection (N 三(四)5) the first member unit brings a historical balance
    into the year: 1,000,000.00 of pooled fund, 200,000.00 on demand and 800,000.00 in a time
    deposit maturing on 30 June, so the year end collects the rest of the city's 30 %. Once
    per municipality: a rerun finds it."""
    county = municipality.counties.order_by("code").first()
    january = datetime.date(year, 1, 1)
    model = pooling_model_for(county=county, month=january) if county else None
    if model is None or model.model != PoolingModel.UNIFIED:
        return
    fund = FundType.objects.get(code="310100")
    if HistoricalBalance.objects.filter(county__municipality=municipality).exists():
        return
    historical_balance_register(
        county=county,
        fund_type=fund,
        cutover_date=datetime.date(year - 1, 12, 31),
        demand_deposit=Decimal("200000.00"),
        deposits=[DepositInput(Decimal("800000.00"), datetime.date(year, 6, 30), "模拟银行")],
        actor=personas.clerk,
        today=january,
    )


def _deficit_subsidies(municipality: Municipality, year: int, personas: Personas) -> str:
    """N 三(四)6: every county under unified collection and expenditure that closed ``year`` in
    deficit applies in writing, the agency reviews and the bureau approves; approval books the
    subsidy (history first, then city fund and county government). Booked in January of the
    next year, the first month the closed year leaves open. A county with an application
    already open or approved is left as it is, so a rerun books nothing."""
    unified = {
        county.pk
        for county in municipality.counties.all()
        if (period := pooling_model_for(county=county, month=datetime.date(year, 12, 31)))
        and period.model == PoolingModel.UNIFIED
    }
    booked_on = datetime.date(year + 1, 1, 15)
    applied = 0
    total = Decimal("0.00")
    for result in county_year_results(municipality=municipality, year=year):
        county = result.county
        if result.deficit <= 0 or county.pk not in unified or county.pk not in personas.officers:
            continue
        if DeficitApplication.objects.filter(
            county=county, fund_type=result.fund, year=year
        ).exists():
            continue
        application = deficit_apply(
            county=county,
            fund_type=result.fund,
            year=year,
            reason=f"{year}年度{result.fund.name}收不抵支，申请缺口补助（模拟）",
            attachment=ContentFile(b"%PDF-1.4 simulated application", name="application.pdf"),
            actor=personas.officers[county.pk],
        )
        deficit_review(application=application, actor=personas.clerk)
        deficit_approve(application=application, actor=personas.bureau, today=booked_on)
        applied += 1
        total += application.deficit
    return f"deficit subsidies: {applied} applications approved ({total})"


def _year_end(municipality: Municipality, year: int, personas: Personas) -> list[str]:
    """The city's year end under its model: time deposits matured during the year are
    collected (N 三(四)5), deficits under unified collection and expenditure are subsidised
    (N 三(四)6), and tiers under the adjustment fund pay into and draw from it (Z 四(九))."""
    done = []
    step = "historical balances"
    try:
        collected = time_deposits_collect(today=datetime.date(year + 1, 1, 1), actor=personas.clerk)
        done.append(f"historical balances: {len(collected)} matured time deposits collected")
        step = "deficit subsidies"
        done.append(_deficit_subsidies(municipality, year, personas))
        step = "adjustment fund"
        outcome = adjustment_year_run(municipality=municipality, year=year, actor=personas.clerk)
    except ValidationError as error:
        raise SimulationError(f"{year} {step}: {' '.join(error.messages)}") from error
    done.append(
        f"adjustment fund: {outcome.contributions_created} contributions "
        f"({outcome.contributions_total}), {outcome.covers_created} deficit covers"
    )
    return done


def simulation_year_run(
    *,
    municipality: Municipality,
    year: int,
    insured: int,
    log=lambda message: None,
) -> YearResult:
    """Enroll ``insured`` people, run the twelve months of ``year`` (``simulation_month_run``),
    the year end, then check: the ledger verifies, every entity's final accounts balance, the
    premiums booked equal the assessments paid, and the benefits booked equal the statements
    paid. A rerun of the same year books nothing and checks again.

    Only a year that has ended: December's cycle may start only on 31 December and the year
    end only after December is closed, so a year still running is refused before anything
    is booked."""
    if not month_has_ended(datetime.date(year, 12, 1)):
        raise SimulationError(
            f"{year} has not ended: the simulation runs a past year only (December's cycle "
            f"may start on {year}-12-31)."
        )
    accounts_open_for_municipality(municipality=municipality, actor=None)
    january = datetime.date(year, 1, 1)
    added = demo_population_create(
        municipality=municipality, insured=insured, from_month=january, log=lambda _m: None
    )
    log(f"Enrolled {added} new people")
    personas = personas_for(municipality)
    result = YearResult(year=year)
    try:
        _historical_balance_ensure(municipality, year, personas)
    except ValidationError as error:
        raise SimulationError(f"{year} historical balance: {' '.join(error.messages)}") from error
    for number in range(1, 13):
        month = datetime.date(year, number, 1)
        outcome = simulation_month_run(municipality=municipality, month=month, personas=personas)
        result.months.append(outcome)
        log(f"{month:%Y-%m} {'already run' if outcome.skipped else 'done'}")
    result.year_end = _year_end(municipality, year, personas)
    december = datetime.date(year, 12, 1)
    report = ledger_verify(municipality=municipality)
    result.checks["ledger verifies"] = report.ok
    if not report.ok:
        result.problems += report.lines()
    problems = final_accounts_check(municipality=municipality, start=january, end=december)
    result.checks["final accounts balance"] = not problems
    result.problems += problems
    premiums = Decimal("0.00")
    benefits_booked = Decimal("0.00")
    for fund in FundType.objects.order_by("code"):
        totals = line_totals(municipality=municipality, fund=fund, start=january, end=december)
        premiums += sum((a for (_c, code), a in totals.items() if code == "premiums"), Decimal(0))
        benefits_booked += sum(
            (a for (_c, code), a in totals.items() if code == "benefits"), Decimal(0)
        )
    assessed = Assessment.objects.filter(
        municipality=municipality, month__gte=january, month__lte=december
    ).aggregate(total=Sum("total_due"))["total"]
    paid = BenefitStatement.objects.filter(
        municipality=municipality,
        status=BenefitStatement.Status.PAID,
        payment__month__gte=january,
        payment__month__lte=december,
    ).aggregate(total=Sum("amount_approved"))["total"]
    result.figures = {
        "assessed": round_money(assessed or 0),
        "premiums booked": round_money(premiums),
        "statements paid": round_money(paid or 0),
        "benefits booked": round_money(benefits_booked),
    }
    result.checks["premiums = assessments paid"] = (
        result.figures["premiums booked"] == result.figures["assessed"]
    )
    interest = Decimal("0.00")
    for fund in FundType.objects.order_by("code"):
        totals = line_totals(municipality=municipality, fund=fund, start=january, end=december)
        interest += sum((a for (_c, code), a in totals.items() if code == "interest"), Decimal(0))
    result.figures["interest booked"] = round_money(interest)
    quarters = (
        InterestSettlement.objects.filter(
            municipality=municipality,
            settlement_date__year=year,
            status=InterestSettlement.Status.CONFIRMED,
        )
        .values("settlement_date")
        .distinct()
        .count()
    )
    result.checks["interest booked each quarter"] = quarters == 4 and interest > 0
    result.checks["benefits = statements paid"] = (
        result.figures["benefits booked"] == result.figures["statements paid"]
    )
    return result
