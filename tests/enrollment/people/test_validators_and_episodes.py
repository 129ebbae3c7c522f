"""Identifier validators (GB 32100, GB 11643) and non-overlapping enrollment episodes."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from enrollment.people import services
from enrollment.people.models import EnrollmentEpisode, Scheme, Scope
from enrollment.people.validators import resident_id_facts, validate_credit_code

D = datetime.date


def test_valid_credit_code_passes():
    validate_credit_code("91350100M000100Y43")
    validate_credit_code("91350100m000100y43".upper())


@pytest.mark.parametrize(
    ("code", "error_code"),
    [
        ("91350100M000100Y4", "credit_code_length"),
        ("91350100M000100Y44", "credit_code_check"),
        ("9135010OM000100Y43", "credit_code_characters"),  # letter O in the region code
        ("91350100M000100I43", "credit_code_characters"),  # letter I is not in the alphabet
    ],
)
def test_bad_credit_codes_are_refused_with_a_reason(code, error_code):
    with pytest.raises(ValidationError) as error:
        validate_credit_code(code)
    assert error.value.code == error_code


def test_resident_id_gives_birth_date_and_sex():
    # The GB 11643 example number: 11010519491231002X, a woman born 1949-12-31.
    facts = resident_id_facts("11010519491231002X")
    assert (facts.birth_date, facts.sex) == (D(1949, 12, 31), "F")
    # 17th digit odd: a man (check digit computed by GB 11643 for 11010519800101001).
    assert resident_id_facts("110105198001010016").sex == "M"


@pytest.mark.parametrize(
    ("number", "error_code"),
    [
        ("11010519491231002", "resident_id_length"),
        ("110105194912310029", "resident_id_check"),
        ("11010519491331002X", "resident_id_birth_date"),
        ("1101051949123100AX", "resident_id_characters"),
    ],
)
def test_bad_resident_ids_are_refused_with_a_reason(number, error_code):
    with pytest.raises(ValidationError) as error:
        resident_id_facts(number)
    assert error.value.code == error_code


@pytest.mark.django_db
def test_overlapping_episode_in_the_same_scheme_is_refused(county_a, make_person, city_clerk):
    person = make_person(county_a, Scope.FLEXIBLE, from_month=D(2024, 1, 1))
    with pytest.raises(ValidationError) as error:
        services.episode_add(
            person=person,
            scope=Scope.FLEXIBLE,
            county=county_a,
            from_month=D(2024, 6, 1),
            actor=city_clerk,
        )
    assert "from_month" in error.value.message_dict
    assert person.episodes.count() == 1


@pytest.mark.django_db
def test_episode_after_the_previous_one_ends_is_accepted(county_a, make_person, city_clerk):
    person = make_person(county_a, Scope.STUDENT, from_month=D(2024, 3, 1))
    services.episode_add(
        person=person,
        scope=Scope.FLEXIBLE,
        county=county_a,
        from_month=D(2024, 1, 1),
        to_month=D(2024, 5, 1),
        actor=city_clerk,
    )  # another scheme may overlap
    services.episode_add(
        person=person,
        scope=Scope.FLEXIBLE,
        county=county_a,
        from_month=D(2024, 6, 1),
        actor=city_clerk,
    )
    assert person.episodes.filter(scheme=Scheme.EMPLOYEE).count() == 2


@pytest.mark.django_db
def test_postgres_refuses_overlapping_episodes_written_with_raw_sql(county_a, make_person):
    if connection.vendor != "postgresql":
        pytest.skip("the exclusion constraint exists on PostgreSQL only")
    person = make_person(county_a, Scope.FLEXIBLE, from_month=D(2024, 1, 1))
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO enrollment_enrollmentepisode (person_id, scheme, scope, county_id, "
            "from_month, first_enrollment) VALUES (%s, 'employee', 'flexible', %s, %s, false)",
            [person.pk, county_a.pk, D(2025, 1, 1)],
        )
    assert EnrollmentEpisode.objects.filter(person=person).count() == 1


@pytest.mark.django_db
def test_enrollment_derives_birth_date_and_sex(county_a, make_person):
    person = make_person(county_a, Scope.FLEXIBLE, id_number="11010519491231002X")
    assert (person.birth_date, person.sex) == (D(1949, 12, 31), "F")
