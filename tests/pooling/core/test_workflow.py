"""The workflow helper: a transition is one conditional UPDATE the database decides, and
``available_actions`` offers exactly the transitions a user may take on an object now.

Pooling has no status model of its own, so a test workflow is declared on settlement's
annual plan (its own workflow is put back after each test)."""

import threading
import time

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.template import Context, Template
from django.test import RequestFactory
from django.utils import timezone
from django.utils.translation import override

from pooling.accounts.models import Role
from pooling.core import workflow
from pooling.core.access import register
from pooling.core.workflow import Transition, Workflow, available_actions
from settlement.plans.models import AnnualPlan

# A capability of these tests only, held by the agency clerk, the bureau and the administrator.
register("tests.workflow_example", {Role.AGENCY_CLERK, Role.BUREAU_APPROVER, Role.ADMINISTRATOR})

Status = AnnualPlan.Status
YEAR = 2026


def _guard_from_2026(user, plan) -> bool:
    return plan.year >= YEAR


def _declare() -> Workflow:
    return Workflow(
        AnnualPlan,
        [
            # The agency clerk, the bureau and the administrator hold workflow_example.
            Transition(
                "review",
                Status.SUBMITTED,
                Status.REVIEWED,
                capability="tests.workflow_example",
                service="annual_plan_review",
                label="Review",
                verb="reviewed",
                not_by_submitter=True,
            ),
            # Either capability: auditors hold only view_audit, the clerk only workflow_example.
            Transition(
                "approve",
                Status.REVIEWED,
                Status.APPROVED,
                capability=("pooling.view_audit", "tests.workflow_example"),
                service="annual_plan_approve",
                label="Approve",
                verb="approved",
            ),
            Transition(
                "return",
                (Status.SUBMITTED, Status.REVIEWED),
                Status.RETURNED,
                capability="pooling.change_rules",
                service="annual_plan_return",
                label="Return",
                guard=_guard_from_2026,
            ),
        ],
    )


@pytest.fixture
def plans_workflow(monkeypatch) -> Workflow:
    """The test workflow, registered for annual plans until the test ends."""
    monkeypatch.setitem(workflow.WORKFLOWS, AnnualPlan, workflow.WORKFLOWS.get(AnnualPlan))
    return _declare()


@pytest.fixture
def make_plan(jining, county_a):
    def make(status=Status.SUBMITTED, *, submitted_by=None, year=YEAR) -> AnnualPlan:
        return AnnualPlan.objects.create(
            municipality=jining,
            county=county_a,
            year=year,
            status=status,
            submitted_by=submitted_by,
        )

    return make


def _row(plan: AnnualPlan) -> tuple:
    return AnnualPlan.objects.filter(pk=plan.pk).values_list(
        "status", "reviewed_by", "reviewed_at", "approved_by"
    )[0]


def _code(error: ValidationError) -> str:
    (only,) = error.value.error_dict["status"]
    return only.code


@pytest.mark.django_db
def test_a_transition_changes_the_status_and_writes_its_fields_in_one_update(
    plans_workflow, make_plan, bureau_approver, django_assert_num_queries
):
    plan = make_plan()
    at = timezone.now()
    # One conditional UPDATE, then the refresh of the instance.
    with django_assert_num_queries(2):
        before = plans_workflow.transition(
            plan, "review", actor=bureau_approver, reviewed_by=bureau_approver, reviewed_at=at
        )
    assert before["status"] == Status.SUBMITTED
    assert plan.status == Status.REVIEWED
    assert _row(plan) == (Status.REVIEWED, bureau_approver.pk, at, None)


@pytest.mark.django_db
def test_a_second_identical_transition_is_refused_and_changes_nothing(
    plans_workflow, make_plan, bureau_approver, administrator
):
    plan = make_plan()
    plans_workflow.transition(plan, "review", actor=bureau_approver, reviewed_by=bureau_approver)
    reviewed = _row(plan)
    with pytest.raises(ValidationError) as refused, override("en"):
        plans_workflow.transition(plan, "review", actor=administrator, reviewed_by=administrator)
    assert _code(refused) == "invalid_transition"
    with override("en"):
        assert refused.value.message_dict == {
            "status": ["This annual expenditure plan is reviewed; it cannot be reviewed."]
        }
    assert _row(plan) == reviewed


@pytest.mark.django_db
def test_a_stale_instance_is_refused_by_the_database_not_by_its_memory(
    plans_workflow, make_plan, bureau_approver, administrator
):
    plan = make_plan()
    stale = AnnualPlan.objects.get(pk=plan.pk)
    # Another request returns the plan after ``stale`` was read.
    AnnualPlan.objects.filter(pk=plan.pk).update(status=Status.RETURNED)
    assert stale.status == Status.SUBMITTED
    with pytest.raises(ValidationError) as refused:
        plans_workflow.transition(stale, "review", actor=administrator, reviewed_by=administrator)
    assert _code(refused) == "invalid_transition"
    assert stale.status == Status.RETURNED  # refreshed: the refusal names the real status
    assert _row(plan) == (Status.RETURNED, None, None, None)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_two_racing_transitions_leave_exactly_one_winner(
    plans_workflow, make_plan, bureau_approver, administrator
):
    plan = make_plan()
    # Both requests read the plan while it is still submitted.
    first_copy = AnnualPlan.objects.get(pk=plan.pk)
    second_copy = AnnualPlan.objects.get(pk=plan.pk)
    first_updated, release = threading.Event(), threading.Event()
    outcomes: dict[str, object] = {}

    def first() -> None:
        try:
            with transaction.atomic():
                plans_workflow.transition(
                    first_copy, "review", actor=bureau_approver, reviewed_by=bureau_approver
                )
                first_updated.set()
                # Commit only once the second request waits on the row.
                release.wait(timeout=30)
            outcomes["first"] = "won"
        except ValidationError as error:
            outcomes["first"] = error
        finally:
            first_updated.set()
            connection.close()

    def second() -> None:
        try:
            with transaction.atomic():
                plans_workflow.transition(
                    second_copy, "review", actor=administrator, reviewed_by=administrator
                )
            outcomes["second"] = "won"
        except ValidationError as error:
            outcomes["second"] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    threads[0].start()
    assert first_updated.wait(timeout=30)
    threads[1].start()
    deadline, second_waited = time.monotonic() + 30, False
    with connection.cursor() as cursor:
        while not second_waited and time.monotonic() < deadline:
            cursor.execute("SELECT count(*) FROM pg_locks WHERE NOT granted")
            second_waited = cursor.fetchone()[0] > 0
            time.sleep(0.01)
    release.set()
    for thread in threads:
        thread.join(timeout=30)

    assert second_waited  # the second UPDATE queued behind the first one's row lock
    assert outcomes["first"] == "won"
    assert isinstance(outcomes["second"], ValidationError)
    assert outcomes["second"].error_dict["status"][0].code == "invalid_transition"
    assert _row(plan)[:2] == (Status.REVIEWED, bureau_approver.pk)


@pytest.mark.django_db
def test_nobody_takes_a_not_by_submitter_step_on_their_own_submission(
    plans_workflow, make_plan, city_clerk, bureau_approver
):
    plan = make_plan(submitted_by=city_clerk)
    before = _row(plan)
    with pytest.raises(ValidationError) as refused:
        plans_workflow.transition(plan, "review", actor=city_clerk, reviewed_by=city_clerk)
    assert _code(refused) == "own_submission"
    assert _row(plan) == before
    assert "review" not in plans_workflow.available_actions(city_clerk, plan)
    assert "review" in plans_workflow.available_actions(bureau_approver, plan)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("status", "actions"),
    [
        (Status.SUBMITTED, {"review", "return"}),
        (Status.REVIEWED, {"approve", "return"}),
        (Status.APPROVED, set()),
        (Status.RETURNED, set()),
    ],
)
def test_available_actions_follow_the_status(
    plans_workflow, make_plan, bureau_approver, status, actions
):
    plan = make_plan(status)
    assert set(plans_workflow.available_actions(bureau_approver, plan)) == actions


@pytest.mark.django_db
def test_available_actions_need_the_capability_or_one_of_a_tuple(
    plans_workflow, make_plan, personas
):
    reviewed = make_plan(Status.REVIEWED)
    offered = {
        role: set(plans_workflow.available_actions(user, reviewed))
        for role, user in personas.items()
    }
    assert offered == {
        "agency_clerk": {"approve"},  # workflow_example, the second of the tuple
        "auditor": {"approve"},  # view_audit, the first
        "bureau_approver": {"approve", "return"},
        "administrator": {"approve", "return"},
        "finance_officer": set(),  # neither
        "county_officer": set(),
    }


@pytest.mark.django_db
def test_a_guard_hides_an_action_its_condition_refuses(plans_workflow, make_plan, bureau_approver):
    earlier = make_plan(year=YEAR - 1)
    assert set(plans_workflow.available_actions(bureau_approver, earlier)) == {"review"}
    later = make_plan(Status.REVIEWED, year=YEAR)
    assert "return" in plans_workflow.available_actions(bureau_approver, later)


@pytest.mark.django_db
def test_the_template_tag_offers_the_current_users_actions(
    plans_workflow, make_plan, bureau_approver, finance_officer
):
    plan = make_plan(Status.REVIEWED)
    template = Template(
        "{% load pooling_tags %}{% available_actions plan as actions %}"
        "{% if actions.approve %}[{{ actions.approve.label }}]{% endif %}"
        "{% if actions.review %}[review]{% endif %}"
    )
    request = RequestFactory().get("/")

    def rendered(user) -> str:
        request.user = user
        return template.render(Context({"request": request, "plan": plan}))

    assert rendered(bureau_approver) == "[Approve]"
    assert rendered(finance_officer) == ""
    assert template.render(Context({"plan": plan})) == ""  # no request, no user to ask for


@pytest.mark.django_db
def test_an_object_without_a_workflow_offers_no_action(county_a, administrator):
    assert available_actions(administrator, county_a) == {}


def test_a_declaration_naming_an_unknown_status_or_an_action_twice_is_refused():
    def review(source: str) -> Transition:
        return Transition(
            "review", source, Status.REVIEWED, capability="x", service="s", label="Review"
        )

    with pytest.raises(ValueError, match="no status"):
        Workflow(AnnualPlan, [review("sent")])
    with pytest.raises(ValueError, match="declared twice"):
        Workflow(AnnualPlan, [review(Status.SUBMITTED), review(Status.SUBMITTED)])
