"""Employer and person statuses change only through their workflows: one conditional UPDATE
the database decides, audited with what was before."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from enrollment.people import services
from enrollment.people.models import PERSON_WORKFLOW, Employer, InsuredPerson, Scope
from pooling.accounts.models import AuditEvent
from pooling.core.workflow import available_actions

D = datetime.date
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def test_person_status_changes_through_the_workflow_and_is_audited(
    county_a, make_person, city_clerk
):
    person = make_person(county_a, Scope.FLEXIBLE)
    services.person_set_status(
        person=person, status=InsuredPerson.Status.SUSPENDED, actor=city_clerk
    )
    event = AuditEvent.objects.filter(action="person.status").get()
    assert (event.before["status"], event.after["status"]) == ("active", "suspended")
    assert InsuredPerson.objects.get(pk=person.pk).status == InsuredPerson.Status.SUSPENDED
    # Choosing the status the person has changes and records nothing.
    services.person_set_status(
        person=person, status=InsuredPerson.Status.SUSPENDED, actor=city_clerk
    )
    assert AuditEvent.objects.filter(action="person.status").count() == 1


def test_a_status_the_row_no_longer_has_is_refused_and_nothing_changes(
    county_a, make_person, city_clerk
):
    person = make_person(county_a, Scope.FLEXIBLE)
    stale = InsuredPerson.objects.get(pk=person.pk)
    services.person_set_status(person=person, status=InsuredPerson.Status.LEFT, actor=city_clerk)
    # A second click read the person while still active and asks to record the move away.
    with pytest.raises(ValidationError) as raised:
        PERSON_WORKFLOW.transition(stale, "leave", actor=city_clerk)
    assert raised.value.message_dict == {
        "status": ["This insured person is left; it cannot be marked as left."]
    }
    assert InsuredPerson.objects.get(pk=person.pk).status == InsuredPerson.Status.LEFT


def test_an_unknown_status_is_refused(county_a, make_person, city_clerk):
    person = make_person(county_a, Scope.FLEXIBLE)
    with pytest.raises(ValidationError) as raised:
        services.person_set_status(person=person, status="emigrated", actor=city_clerk)
    assert set(raised.value.message_dict) == {"status"}
    assert InsuredPerson.objects.get(pk=person.pk).status == InsuredPerson.Status.ACTIVE


def test_employer_bankruptcy_needs_its_date_and_is_one_update(county_a, make_employer, city_clerk):
    employer = make_employer(county_a)
    with pytest.raises(ValidationError) as raised:
        services.employer_update(
            employer=employer,
            actor=city_clerk,
            name="改名",
            unit_type=Employer.UnitType.ENTERPRISE,
            status=Employer.Status.BANKRUPT,
        )
    assert set(raised.value.message_dict) == {"bankruptcy_date"}
    assert Employer.objects.get(pk=employer.pk).name == "测试单位"
    services.employer_update(
        employer=employer,
        actor=city_clerk,
        name="改名",
        unit_type=Employer.UnitType.ENTERPRISE,
        status=Employer.Status.BANKRUPT,
        bankruptcy_date=D(2024, 3, 1),
    )
    changed = Employer.objects.get(pk=employer.pk)
    assert (changed.name, changed.status, changed.bankruptcy_date) == (
        "改名",
        Employer.Status.BANKRUPT,
        D(2024, 3, 1),
    )
    event = AuditEvent.objects.filter(action="employer.update").get()
    assert (event.before["status"], event.before["name"]) == ("active", "测试单位")


def test_status_actions_are_offered_to_those_who_may_change_enrollment(
    county_a, make_person, city_clerk, auditor
):
    person = make_person(county_a, Scope.FLEXIBLE)
    assert set(available_actions(city_clerk, person)) == {
        "retire",
        "suspend",
        "leave",
        "record_death",
    }
    assert available_actions(auditor, person) == {}
