"""The usage-plan cycle: deadlines, every transition allowed and refused, the ledger entries of
disbursement and allocation, and each role's permissions (N 三(四)4)."""

import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from funds.ledger.models import Account, JournalEntry
from pooling.accounts.models import AuditEvent
from pooling.rules.models import PolicyRule
from pooling.workdays.selectors import add_working_days
from settlement.notifications.models import Notification
from settlement.notifications.services import plan_deadlines_check
from settlement.plans import selectors, services
from settlement.plans.models import AnnualPlan, CityMonthlyPlan, PlanStep, UsagePlan
from tests.factories.plans import ON_TIME, PLAN_MONTH, fund_fiscal_account, line, prepare_year
from tests.factories.settlement import balance, ledger_fingerprint

pytestmark = pytest.mark.django_db


@pytest.fixture
def city(jining):
    prepare_year(jining)
    fund_fiscal_account(jining, "50000000.00")
    return jining


def submit_a(city, county_a, county_a_officer, amounts=("1234567.89",), today=ON_TIME):
    return services.usage_plan_submit(
        county=county_a,
        month=PLAN_MONTH,
        lines=[
            line(amount, purpose=purpose)
            for amount, purpose in zip(amounts, ["benefits", "maternity"], strict=False)
        ],
        actor=county_a_officer,
        today=today,
    )


def through_request(city, clerk, bureau, today=datetime.date(2026, 9, 29)):
    city_plan = services.city_plan_consolidate(
        municipality=city, month=PLAN_MONTH, actor=clerk, today=today
    )
    services.city_plan_approve(city_plan=city_plan, actor=bureau, today=today)
    services.city_plan_request_funding(city_plan=city_plan, actor=bureau, today=today)
    return city_plan


# --- deadlines ------------------------------------------------------------------------------


def test_deadline_on_mid_autumn_holiday_moves_to_monday(city):
    assert selectors.usage_plan_deadline(municipality=city, month=PLAN_MONTH) == datetime.date(
        2026, 9, 28
    )


def test_consolidation_deadline_counts_working_days_across_national_day(city):
    # 28 Sep (Mon) + 3 working days: 29, 30 Sep, then 1–7 Oct are National Day → 8 Oct.
    assert selectors.consolidation_deadline(municipality=city, month=PLAN_MONTH) == datetime.date(
        2026, 10, 8
    )


def test_deadline_on_a_plain_weekday_stays(city):
    # 25 February 2026 is a Wednesday after the Spring Festival break.
    assert selectors.usage_plan_deadline(
        municipality=city, month=datetime.date(2026, 3, 1)
    ) == datetime.date(2026, 2, 25)


def test_working_days_from_the_deadline_25_september_reach_across_the_holiday():
    assert add_working_days(datetime.date(2026, 9, 25), 3) == datetime.date(2026, 9, 30)
    # Five working days for finance from 30 Sep: 8, 9, 10 (adjusted Saturday), 12, 13 Oct.
    assert add_working_days(datetime.date(2026, 9, 30), 5) == datetime.date(2026, 10, 13)


def test_deadline_in_an_unknown_calendar_year_is_a_field_error(city, county_a, county_a_officer):
    with pytest.raises(ValidationError) as caught:
        services.usage_plan_submit(
            county=county_a,
            month=datetime.date(2027, 2, 1),
            lines=[line("10.00")],
            actor=county_a_officer,
            today=ON_TIME,
        )
    assert "month" in caught.value.message_dict
    assert "2027" in caught.value.message_dict["month"][0]


def test_disbursement_and_allocation_deadlines_follow_the_actual_dates(
    city, county_a, county_a_officer, city_clerk, bureau_approver, finance_officer
):
    submit_a(city, county_a, county_a_officer)
    city_plan = through_request(city, city_clerk, bureau_approver, datetime.date(2026, 9, 30))
    assert city_plan.steps.get(name="disbursement").deadline == datetime.date(2026, 10, 13)
    services.disbursement_confirm(
        city_plan=city_plan, actor=finance_officer, today=datetime.date(2026, 10, 9)
    )
    # 9 Oct + 3: 10 (adjusted Saturday), 12, 13.
    assert city_plan.steps.get(name="allocation").deadline == datetime.date(2026, 10, 13)
    assert city_plan.steps.get(name="disbursement").on_time is True


# --- the journey and the ledger --------------------------------------------------------------


def test_journey_posts_exact_entries_and_rerun_changes_nothing(
    city,
    county_a,
    county_b,
    county_a_officer,
    county_b_officer,
    city_clerk,
    bureau_approver,
    finance_officer,
):
    submit_a(city, county_a, county_a_officer, amounts=("1234567.89", "0.01"))
    services.usage_plan_submit(
        county=county_b,
        month=PLAN_MONTH,
        lines=[line("2000000.10")],
        actor=county_b_officer,
        today=ON_TIME,
    )
    city_plan = through_request(city, city_clerk, bureau_approver)
    assert city_plan.missing_counties and "370811" not in city_plan.missing_counties
    services.disbursement_confirm(
        city_plan=city_plan, actor=finance_officer, today=datetime.date(2026, 9, 30)
    )
    assert balance(city, kind=Account.Kind.EXPENDITURE, fund="310100") == Decimal("3234568.00")
    assert balance(city, kind=Account.Kind.FISCAL_SPECIAL, fund="310100") == Decimal("46765432.00")
    services.allocation_run(city_plan=city_plan, actor=city_clerk, today=datetime.date(2026, 10, 8))
    city_plan.refresh_from_db()
    assert city_plan.status == CityMonthlyPlan.Status.ALLOCATED
    assert balance(
        city, county_code="370811", kind=Account.Kind.EXPENDITURE, fund="310100"
    ) == Decimal("1234567.90")
    assert balance(
        city, county_code="370812", kind=Account.Kind.EXPENDITURE, fund="310100"
    ) == Decimal("2000000.10")
    assert balance(city, kind=Account.Kind.EXPENDITURE, fund="310100") == Decimal("0.00")
    allocation = JournalEntry.objects.get(kind="allocation", memo__contains="任城区")
    assert "补助下级支出" in allocation.memo and "上级补助收入" in allocation.memo
    assert sorted(allocation.postings.values_list("amount", flat=True)) == [
        Decimal("-1234567.90"),
        Decimal("1234567.90"),
    ]
    assert all(step.on_time for step in city_plan.steps.all())

    fingerprint, events = ledger_fingerprint(city), AuditEvent.objects.count()
    services.allocation_run(city_plan=city_plan, actor=city_clerk, today=datetime.date(2026, 10, 9))
    services.disbursement_confirm(
        city_plan=city_plan, actor=finance_officer, today=datetime.date(2026, 10, 9)
    )
    assert ledger_fingerprint(city) == fingerprint
    assert AuditEvent.objects.count() == events


def test_allocation_specs_replayed_post_nothing(
    city, county_a, county_a_officer, city_clerk, bureau_approver, finance_officer
):
    from funds.ledger.services import entries_post_batch

    submit_a(city, county_a, county_a_officer)
    city_plan = through_request(city, city_clerk, bureau_approver)
    services.disbursement_confirm(
        city_plan=city_plan, actor=finance_officer, today=datetime.date(2026, 9, 30)
    )
    services.allocation_run(city_plan=city_plan, actor=city_clerk, today=datetime.date(2026, 9, 30))
    fingerprint = ledger_fingerprint(city)
    result = entries_post_batch(
        municipality=city,
        entries=services._allocation_specs(city_plan, datetime.date(2026, 9, 30)),
        actor=city_clerk,
    )
    assert result.created == 0 and result.replayed == 1
    assert ledger_fingerprint(city) == fingerprint


def test_late_steps_are_flagged(city, county_a, county_a_officer, city_clerk, bureau_approver):
    submit_a(city, county_a, county_a_officer)
    city_plan = through_request(city, city_clerk, bureau_approver, datetime.date(2026, 10, 9))
    assert city_plan.steps.get(name="consolidation").on_time is False


# --- refusals -------------------------------------------------------------------------------


def test_annual_plan_over_quota_is_refused_naming_the_excess(jining, county_a, county_a_officer):
    prepare_year(jining, year=2026)
    AnnualPlan.objects.filter(county=county_a).update(status=AnnualPlan.Status.RETURNED)
    with pytest.raises(ValidationError) as caught:
        services.annual_plan_submit(
            county=county_a, year=2026, lines=[line("12000000.01")], actor=county_a_officer
        )
    assert "0.01" in caught.value.message_dict["lines"][0]


def test_usage_plan_over_the_annual_plan_is_refused_naming_the_excess(
    city, county_b, county_b_officer
):
    with pytest.raises(ValidationError) as caught:
        services.usage_plan_submit(
            county=county_b,
            month=PLAN_MONTH,
            lines=[line("6000000.05")],
            actor=county_b_officer,
            today=ON_TIME,
        )
    assert "0.05" in caught.value.message_dict["lines"][0]
    assert not UsagePlan.objects.exists()


def test_earlier_months_use_up_the_annual_plan(city, county_b, county_b_officer):
    services.usage_plan_submit(
        county=county_b,
        month=datetime.date(2026, 9, 1),
        lines=[line("5000000.00")],
        actor=county_b_officer,
        today=datetime.date(2026, 8, 20),
    )
    with pytest.raises(ValidationError) as caught:
        services.usage_plan_submit(
            county=county_b,
            month=PLAN_MONTH,
            lines=[line("1000000.01")],
            actor=county_b_officer,
            today=ON_TIME,
        )
    assert "0.01" in caught.value.message_dict["lines"][0]


def test_late_plan_is_flagged_and_accepted_by_default(city, county_a, county_a_officer):
    plan = submit_a(city, county_a, county_a_officer, today=datetime.date(2026, 9, 29))
    assert plan.is_late and plan.deadline == datetime.date(2026, 9, 28)


def test_late_plan_is_refused_when_the_rule_says_so(city, county_a, county_a_officer):
    PolicyRule.objects.filter(municipality=city, key="late_usage_plan_accepted").update(value=0)
    with pytest.raises(ValidationError) as caught:
        submit_a(city, county_a, county_a_officer, today=datetime.date(2026, 9, 29))
    assert "month" in caught.value.message_dict
    assert not UsagePlan.objects.exists()


def test_plan_on_the_rolled_deadline_is_on_time(city, county_a, county_a_officer):
    assert not submit_a(city, county_a, county_a_officer, today=datetime.date(2026, 9, 28)).is_late


def test_submitted_plan_cannot_be_submitted_again_but_a_returned_one_can(
    city, county_a, county_a_officer, city_clerk
):
    plan = submit_a(city, county_a, county_a_officer)
    with pytest.raises(ValidationError):
        submit_a(city, county_a, county_a_officer, amounts=("10.00",))
    with pytest.raises(ValidationError):
        services.usage_plan_return(plan=plan, actor=city_clerk, reason="  ")
    services.usage_plan_return(plan=plan, actor=city_clerk, reason="用途不明")
    with pytest.raises(ValidationError):
        services.usage_plan_return(plan=plan, actor=city_clerk, reason="again")
    plan = submit_a(city, county_a, county_a_officer, amounts=("10.00",))
    assert plan.status == UsagePlan.Status.SUBMITTED
    assert [item.amount for item in plan.lines.all()] == [Decimal("10.00")]


def test_illegal_city_plan_transitions_are_refused(
    city, county_a, county_a_officer, city_clerk, bureau_approver, finance_officer
):
    submit_a(city, county_a, county_a_officer)
    city_plan = services.city_plan_consolidate(
        municipality=city, month=PLAN_MONTH, actor=city_clerk, today=ON_TIME
    )
    with pytest.raises(ValidationError):
        services.city_plan_consolidate(municipality=city, month=PLAN_MONTH, actor=city_clerk)
    with pytest.raises(ValidationError):
        services.city_plan_request_funding(city_plan=city_plan, actor=bureau_approver)
    with pytest.raises(ValidationError):
        services.disbursement_confirm(city_plan=city_plan, actor=finance_officer)
    with pytest.raises(ValidationError):
        services.allocation_run(city_plan=city_plan, actor=city_clerk)
    services.city_plan_approve(city_plan=city_plan, actor=bureau_approver)
    with pytest.raises(ValidationError):
        services.city_plan_approve(city_plan=city_plan, actor=bureau_approver)
    with pytest.raises(ValidationError):
        services.allocation_run(city_plan=city_plan, actor=city_clerk)
    # A plan cannot be submitted for a month already consolidated.
    with pytest.raises(ValidationError):
        submit_a(city, county_a, county_a_officer)
    assert not JournalEntry.objects.filter(kind__in=["disbursement", "allocation"]).exists()


def test_consolidation_without_plans_is_refused(city, city_clerk):
    with pytest.raises(ValidationError):
        services.city_plan_consolidate(municipality=city, month=PLAN_MONTH, actor=city_clerk)
    assert not CityMonthlyPlan.objects.exists()


# --- roles ----------------------------------------------------------------------------------


def test_county_officer_acts_only_for_their_county(city, county_a, county_b_officer):
    with pytest.raises(PermissionDenied):
        services.usage_plan_submit(
            county=county_a,
            month=PLAN_MONTH,
            lines=[line("1.00")],
            actor=county_b_officer,
            today=ON_TIME,
        )
    assert not UsagePlan.objects.exists()


@pytest.mark.parametrize(
    "role", ["city_clerk", "bureau_approver", "finance_officer", "auditor", "administrator"]
)
def test_only_county_officers_submit_plans(city, county_a, role, request):
    with pytest.raises(PermissionDenied):
        services.usage_plan_submit(
            county=county_a,
            month=PLAN_MONTH,
            lines=[line("1.00")],
            actor=request.getfixturevalue(role),
            today=ON_TIME,
        )
    assert not UsagePlan.objects.exists()


@pytest.mark.parametrize(
    ("step", "allowed"),
    [
        ("consolidate", "city_clerk"),
        ("approve", "bureau_approver"),
        ("request", "bureau_approver"),
        ("disburse", "finance_officer"),
        ("allocate", "city_clerk"),
    ],
)
def test_each_step_only_by_its_role(
    step,
    allowed,
    city,
    county_a,
    county_a_officer,
    city_clerk,
    bureau_approver,
    finance_officer,
    request,
):
    submit_a(city, county_a, county_a_officer)
    today = datetime.date(2026, 9, 29)
    calls = {
        "consolidate": lambda actor: services.city_plan_consolidate(
            municipality=city, month=PLAN_MONTH, actor=actor, today=today
        ),
        "approve": lambda actor: services.city_plan_approve(city_plan=city_plan, actor=actor),
        "request": lambda actor: services.city_plan_request_funding(
            city_plan=city_plan, actor=actor, today=today
        ),
        "disburse": lambda actor: services.disbursement_confirm(
            city_plan=city_plan, actor=actor, today=today
        ),
        "allocate": lambda actor: services.allocation_run(
            city_plan=city_plan, actor=actor, today=today
        ),
    }
    order = list(calls)
    actors = {
        "consolidate": city_clerk,
        "approve": bureau_approver,
        "request": bureau_approver,
        "disburse": finance_officer,
        "allocate": city_clerk,
    }
    city_plan = None
    for earlier in order[: order.index(step)]:
        result = calls[earlier](actors[earlier])
        city_plan = city_plan or result
    for role in [
        "city_clerk",
        "bureau_approver",
        "finance_officer",
        "county_a_officer",
        "auditor",
        "administrator",
    ]:
        if role == allowed:
            continue
        before = (
            list(CityMonthlyPlan.objects.values_list("status", flat=True)),
            JournalEntry.objects.count(),
        )
        with pytest.raises(PermissionDenied):
            calls[step](request.getfixturevalue(role))
        assert before == (
            list(CityMonthlyPlan.objects.values_list("status", flat=True)),
            JournalEntry.objects.count(),
        )
    calls[step](request.getfixturevalue(allowed))


def test_annual_plan_transitions_and_segregation(
    jining, county_a, county_a_officer, city_clerk, bureau_approver
):
    prepare_year(jining)
    plan = AnnualPlan.objects.get(county=county_a)
    assert plan.status == AnnualPlan.Status.APPROVED
    with pytest.raises(ValidationError):
        services.annual_plan_approve(plan=plan, actor=bureau_approver)
    with pytest.raises(ValidationError):
        services.annual_plan_review(plan=plan, actor=city_clerk)
    with pytest.raises(PermissionDenied):
        services.annual_plan_approve(plan=plan, actor=city_clerk)
    AnnualPlan.objects.filter(pk=plan.pk).update(status=AnnualPlan.Status.SUBMITTED)
    plan.refresh_from_db()
    with pytest.raises(ValidationError):
        services.annual_plan_approve(plan=plan, actor=bureau_approver)  # not reviewed yet
    services.annual_plan_return(plan=plan, actor=city_clerk, reason="请补充说明")
    plan = services.annual_plan_submit(
        county=county_a, year=2026, lines=[line("100.00")], actor=county_a_officer
    )
    assert plan.status == AnnualPlan.Status.SUBMITTED


# --- notifications --------------------------------------------------------------------------


def test_deadline_check_notifies_the_responsible_roles_once(
    city, county_a, county_a_officer, city_clerk, bureau_approver
):
    county_a_officer.email = "a@example.cn"
    county_a_officer.save()
    sent = plan_deadlines_check(municipality=city, today=datetime.date(2026, 9, 29))
    assert (
        Notification.objects.filter(recipient=county_a_officer, key__endswith=":2026-10").count()
        == 1
    )
    assert sent >= 1
    assert plan_deadlines_check(municipality=city, today=datetime.date(2026, 9, 29)) == 0
    submit_a(city, county_a, county_a_officer, today=datetime.date(2026, 9, 29))
    city_plan = services.city_plan_consolidate(
        municipality=city, month=PLAN_MONTH, actor=city_clerk, today=datetime.date(2026, 9, 29)
    )
    plan_deadlines_check(municipality=city, today=datetime.date(2026, 10, 9))
    assert (
        Notification.objects.filter(
            recipient=bureau_approver, key__startswith="plan-step-overdue"
        ).count()
        == 2
    )
    assert PlanStep.objects.filter(city_plan=city_plan, done_at__isnull=True).count() == 2


def test_deadline_check_sends_email(city, county_a_officer, django_capture_on_commit_callbacks):
    county_a_officer.email = "a@example.cn"
    county_a_officer.save()
    with django_capture_on_commit_callbacks(execute=True):
        plan_deadlines_check(municipality=city, today=datetime.date(2026, 9, 29))
    assert any("a@example.cn" in message.to for message in mail.outbox)


def test_demo_seeder_prepares_a_plan_year_and_is_idempotent(jining):
    from funds.ledger.services import accounts_open_for_municipality
    from pooling.structure.demo import DemoOptions
    from settlement.plans.demo import seed_plans

    accounts_open_for_municipality(municipality=jining, actor=None)
    seed_plans(jining, DemoOptions(city="jining", insured=0), log=lambda message: None)
    approved = AnnualPlan.objects.filter(status=AnnualPlan.Status.APPROVED).count()
    seed_plans(jining, DemoOptions(city="jining", insured=0), log=lambda message: None)
    assert approved == 2
    assert AnnualPlan.objects.count() == 2
