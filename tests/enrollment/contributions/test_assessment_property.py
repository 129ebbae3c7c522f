"""The monthly assessment is written twice and the two must agree to the fen: the set-based
SQL of PostgreSQL (``assessment_insert_sql``) and its Python twin
(``assessment_insert_portable``, which computes each person with ``assessment_amounts``).
Hypothesis draws the rule values of two counties and a small population with every category
(employees of public and other employers, retirees with and without an employer, bankrupt or
not, flexible workers, individual businesses, a resident-scheme student), with declared wages
missing, below the floor, above the cap and on either side of both; both paths must assess
the same people with the same amounts in every part."""

import datetime
from decimal import Decimal
from unittest import mock

import pytest
from django.db import connection, transaction
from hypothesis import given, settings
from hypothesis import strategies as st

from enrollment.contributions import assessment
from enrollment.contributions.models import Assessment, ContributionBase
from enrollment.people.models import (
    EMPLOYER_SCOPES,
    SCOPE_SCHEME,
    Employer,
    EnrollmentEpisode,
    InsuredPerson,
    Scheme,
    Scope,
)
from pooling.structure.models import County, Municipality
from tests.factories.enrollment import ASSESSMENT_PARTS, credit_code, resident_id

D = datetime.date
MONTH = D(2024, 6, 1)
pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the SQL path is PG only"),
]

# One of each kind the assessment tells apart, and a resident-scheme student it must skip.
SCOPES = [
    Scope.EMPLOYEE,
    Scope.BUSINESS_OWNER,
    Scope.BUSINESS_EMPLOYEE,
    Scope.RETIREE,
    Scope.SOLO_BUSINESS,
    Scope.PART_TIME,
    Scope.FLEXIBLE,
    Scope.STUDENT,
]


def _decimals(low: str | Decimal, high: str | Decimal, places: int) -> st.SearchStrategy[Decimal]:
    return st.decimals(min_value=Decimal(low), max_value=Decimal(high), places=places)


def _rate(high: str, *usual: str) -> st.SearchStrategy[Decimal]:
    """A rate up to ``high``: a usual one (few decimals, so that amounts fall on half a fen
    and the rounding shows) or any with four decimals."""
    return st.one_of(st.sampled_from([Decimal(rate) for rate in usual]), _decimals("0", high, 4))


@st.composite
def county_rules(draw) -> dict[str, Decimal]:
    """The rule values ``assessment_parameters`` reads, drawn within plausible ranges (a
    maternity share within its employer rate, an employer part within the premium)."""
    employer_public = draw(_rate("0.15", "0.074", "0.06"))
    employer_other = draw(_rate("0.15", "0.08", "0.075", "0.09"))
    premium = draw(_decimals("0", "30", 2))
    return {
        "provincial_average_wage": draw(_decimals("20000", "200000", 2)),
        "base_floor_share": draw(_decimals("0.4", "1", 2)),
        "base_cap_share": draw(_decimals("2", "5", 2)),
        "flexible_rate": draw(_rate("0.15", "0.09", "0.1")),
        "employer_rate_public": employer_public,
        "employer_rate_other": employer_other,
        "maternity_rate_public": draw(_decimals("0", employer_public, 4)),
        "maternity_rate_other": draw(_decimals("0", employer_other, 4)),
        "individual_rate": draw(_rate("0.05", "0.02")),
        "critical_illness_premium": premium,
        "critical_illness_employer_part": draw(_decimals("0", premium, 2)),
        "retiree_personal_account_monthly": draw(_decimals("0", "300", 2)),
    }


def _parameters(rules: dict[str, Decimal], county: County) -> dict:
    """``assessment_parameters`` on these rule values (floor, cap and the flexible amount are
    derived there, as in production)."""
    with mock.patch.object(assessment, "rule_value", lambda **lookup: rules[lookup["key"]]):
        return assessment.assessment_parameters(
            municipality=county.municipality, county=county, month=MONTH
        )


def _edge_wages(parameters: dict) -> st.SearchStrategy[Decimal]:
    """The yearly wage at the floor or the cap, or a fen either side."""
    edges = []
    for monthly in (parameters["base_floor"], parameters["base_cap"]):
        yearly = monthly * 12
        edges += [yearly - Decimal("0.01"), yearly, yearly + Decimal("0.01")]
    return st.sampled_from([edge for edge in edges if edge >= 0])


def _quarter_wages(parameters: dict) -> st.SearchStrategy[Decimal]:
    """A yearly wage whose monthly base, between floor and cap, ends in .25 or .75: times a
    usual rate (2 %, 6 %) it falls on half a fen, where the rounding shows."""
    whole = st.integers(int(parameters["base_floor"]) + 1, int(parameters["base_cap"]) - 1)
    return st.tuples(whole, st.sampled_from([3, 9])).map(
        lambda drawn: Decimal(12 * drawn[0] + drawn[1])
    )


def _wages(parameters: dict) -> st.SearchStrategy[Decimal | None]:
    """A declared yearly wage or none: anything up to well above the cap, an edge, a quarter."""
    return st.one_of(
        st.none(),
        _decimals("0", "1500000", 2),
        _edge_wages(parameters),
        _quarter_wages(parameters),
    )


def _person(parameters_by_county: list[dict], scopes: list[str], wages=_wages):
    return st.integers(0, len(parameters_by_county) - 1).flatmap(
        lambda county: st.fixed_dictionaries(
            {
                "county": st.just(county),
                "scope": st.sampled_from(scopes),
                "unit_type": st.sampled_from(Employer.UnitType.values),
                "employer_status": st.sampled_from(
                    [Employer.Status.ACTIVE, Employer.Status.SUSPENDED, Employer.Status.BANKRUPT]
                ),
                "retiree_has_employer": st.booleans(),
                "wage": wages(parameters_by_county[county]),
            }
        )
    )


def _population(parameters_by_county: list[dict]) -> st.SearchStrategy[list[dict]]:
    """Every scope at least once (a retiree twice: with and without an employer is drawn
    for each), an employee at an edge of the base and one on a quarter, then a few more of
    any scope."""
    everyone = st.tuples(
        *(_person(parameters_by_county, [scope]) for scope in [*SCOPES, Scope.RETIREE]),
        _person(parameters_by_county, [Scope.EMPLOYEE], wages=_edge_wages),
        _person(parameters_by_county, [Scope.EMPLOYEE], wages=_quarter_wages),
    )
    more = st.lists(_person(parameters_by_county, SCOPES), max_size=2)
    return st.tuples(everyone, more).map(lambda drawn: [*drawn[0], *drawn[1]])


def _city() -> tuple[Municipality, list[County]]:
    municipality = Municipality.objects.create(
        code="990100",
        slug="property",
        name="性质市",
        name_en="Property",
        pooling_start=D(2020, 1, 1),
    )
    counties = [
        County.objects.create(
            municipality=municipality,
            code=f"99010{number}",
            name=f"县 {number}",
            kind=County.Kind.COUNTY,
            member_from=D(2020, 1, 1),
        )
        for number in (1, 2)
    ]
    return municipality, counties


def _enroll(municipality: Municipality, counties: list[County], people: list[dict]) -> set[int]:
    """Write the drawn people with their episodes, employers and bases (in bulk); return the
    ids of those the month must assess: the employee scheme, and a base where an employer
    pays."""
    employers, persons = [], []
    for index, spec in enumerate(people):
        county = counties[spec["county"]]
        scope = spec["scope"]
        employer = None
        if scope in EMPLOYER_SCOPES or (scope == Scope.RETIREE and spec["retiree_has_employer"]):
            bankrupt = spec["employer_status"] == Employer.Status.BANKRUPT
            employer = Employer(
                municipality=municipality,
                county=county,
                credit_code=credit_code(),
                name="单位",
                unit_type=spec["unit_type"],
                status=spec["employer_status"],
                bankruptcy_date=D(2023, 1, 1) if bankrupt else None,
            )
            employers.append(employer)
        born = D(1960, 1, 1) + datetime.timedelta(days=index)
        persons.append(
            InsuredPerson(
                municipality=municipality,
                county=county,
                id_number=resident_id(born),
                name=f"参保人{index}",
                birth_date=born,
                sex="M",
                category=scope,
                employer=employer,
            )
        )
    Employer.objects.bulk_create(employers)
    InsuredPerson.objects.bulk_create(persons)
    EnrollmentEpisode.objects.bulk_create(
        EnrollmentEpisode(
            person=person,
            scheme=SCOPE_SCHEME[person.category],
            scope=person.category,
            county=person.county,
            employer_id=person.employer_id,
            from_month=D(2024, 1, 1),
        )
        for person in persons
    )
    ContributionBase.objects.bulk_create(
        ContributionBase(person=person, year=MONTH.year, yearly_wage=spec["wage"])
        for person, spec in zip(persons, people, strict=True)
        if spec["wage"] is not None
    )
    return {
        person.pk
        for person, spec in zip(persons, people, strict=True)
        if SCOPE_SCHEME[person.category] == Scheme.EMPLOYEE
        and (person.category not in EMPLOYER_SCOPES or spec["wage"] is not None)
    }


def _assessed_rows() -> list[tuple]:
    fields = ["person_id", "county_id", "employer_id", "episode_id", "scope", "unit_type"]
    return list(Assessment.objects.order_by("person_id").values_list(*fields, *ASSESSMENT_PARTS))


@settings(max_examples=30, deadline=None, derandomize=True, database=None)
@given(rules=st.lists(county_rules(), min_size=2, max_size=2), data=st.data())
def test_set_based_sql_and_python_twin_assess_every_part_to_the_fen(rules, data):
    with transaction.atomic():
        municipality, counties = _city()
        parameters = [
            _parameters(rule, county) for rule, county in zip(rules, counties, strict=True)
        ]
        people = data.draw(_population(parameters), label="people")
        must_assess = _enroll(municipality, counties, people)
        by_county = dict(zip(counties, parameters, strict=True))

        with transaction.atomic():
            written = assessment.assessment_insert_sql(
                municipality=municipality, month=MONTH, parameters=by_county
            )
            by_sql = _assessed_rows()
            transaction.set_rollback(True)
        assert Assessment.objects.count() == 0
        assert written == assessment.assessment_insert_portable(
            municipality=municipality, month=MONTH, parameters=by_county
        )
        by_python = _assessed_rows()

        assert by_sql == by_python
        assert {row[0] for row in by_sql} == must_assess
        transaction.set_rollback(True)
