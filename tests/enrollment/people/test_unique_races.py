"""When two requests pass the "already registered?" read at once, the unique constraint
decides: the loser gets the same field error, and nothing of its write remains."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from enrollment.people import services
from enrollment.people.models import Employer, InsuredPerson
from pooling.accounts.models import AuditEvent
from tests.factories.enrollment import credit_code, resident_id

pytestmark = pytest.mark.django_db


def test_a_racing_employer_with_the_same_code_gets_the_field_error(
    county_a, city_clerk, monkeypatch
):
    code = credit_code()
    check = services._check_bankruptcy

    def rival_registers_first(status, bankruptcy_date):
        # Runs after the service's read and before its INSERT: the other request wins here.
        Employer.objects.bulk_create(
            [
                Employer(
                    municipality=county_a.municipality,
                    county=county_a,
                    credit_code=code,
                    name="甲",
                    unit_type="enterprise",
                )
            ]
        )
        check(status, bankruptcy_date)

    monkeypatch.setattr(services, "_check_bankruptcy", rival_registers_first)
    events = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as raised:
        services.employer_create(
            county=county_a, credit_code=code, name="乙", unit_type="enterprise", actor=city_clerk
        )
    assert set(raised.value.message_dict) == {"credit_code"}
    # The rival's row shared this test's transaction, so the service's rollback took it too;
    # what matters is that the loser's employer and audit event were never written.
    assert not Employer.objects.filter(name="乙").exists()
    assert AuditEvent.objects.count() == events


def test_a_racing_enrollment_of_the_same_person_gets_the_field_error(
    county_a, city_clerk, monkeypatch
):
    number = resident_id()
    check = services._check_employer_for_scope

    def rival_enrolls_first(scope, employer, county):
        # Runs after the service's read and before its INSERT: the other request wins here.
        InsuredPerson.objects.bulk_create(
            [
                InsuredPerson(
                    municipality=county_a.municipality,
                    county=county_a,
                    id_number=number,
                    name="李四",
                    birth_date=datetime.date(1985, 1, 1),
                    sex="M",
                    category="flexible",
                    status="active",
                )
            ]
        )
        check(scope, employer, county)

    monkeypatch.setattr(services, "_check_employer_for_scope", rival_enrolls_first)
    events = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as raised:
        services.person_enroll(
            county=county_a,
            id_number=number,
            name="张三",
            category="flexible",
            from_month=datetime.date(2024, 1, 1),
            actor=city_clerk,
        )
    assert set(raised.value.message_dict) == {"id_number"}
    assert not InsuredPerson.objects.filter(name="张三").exists()
    assert AuditEvent.objects.count() == events
