"""Demo data of enrollment: employers and insured people in realistic proportions, the current
month assessed and a tax-bureau file collecting it. Set-based and idempotent."""

import datetime
from collections.abc import Callable
from decimal import Decimal

from django.db import transaction

from enrollment.collection_files.demo import demo_collection_file
from enrollment.collection_files.services import collection_file_import
from enrollment.contributions.models import ContributionBase
from enrollment.contributions.services import assessment_run
from enrollment.people.models import Employer, EnrollmentEpisode, InsuredPerson, Scheme, Scope
from enrollment.people.services import status_on_enrollment
from enrollment.people.validators import credit_code_check_character, resident_id_check_character
from pooling.accounts.models import Role, User
from pooling.structure.demo import DemoOptions, demo_month, register_seeder
from pooling.structure.models import Municipality

BATCH_SIZE = 5000
PEOPLE_PER_EMPLOYER = 20


# Shares of the insured (DOMAIN §4–5): about 27 % retirees; of the 73 % in service, some are
# flexible workers and individual businesses.
RETIREE_EVERY = (27, 100)
FLEXIBLE_EVERY = (6, 100)


def demo_credit_code(municipality: Municipality, number: int) -> str:
    """A valid credit code: 9 (industry and commerce) 1 (enterprise), the city's region code."""
    first = f"91{municipality.code}MA{number:07d}"
    return first + credit_code_check_character(first)


def demo_resident_id(county_code: str, number: int) -> str:
    birth = datetime.date(1950, 1, 1) + datetime.timedelta(days=(number // 1000) * 37 % (365 * 50))
    first = f"{county_code}{birth:%Y%m%d}{number % 1000:03d}"
    return first + resident_id_check_character(first)


def _category(index: int) -> str:
    share = index % 100
    if share < RETIREE_EVERY[0]:
        return Scope.RETIREE
    if share < RETIREE_EVERY[0] + FLEXIBLE_EVERY[0]:
        return Scope.FLEXIBLE
    return Scope.EMPLOYEE


def demo_population_create(
    *, municipality: Municipality, insured: int, from_month: datetime.date, log=print
) -> int:
    """Create employers and up to ``insured`` people with an episode and a base for the year
    of ``from_month``; people already there are kept. Returns the people added.

    Everything is written with ``bulk_create`` in batches; identifiers are derived from a
    running number, so a second run adds nothing.
    """
    existing = InsuredPerson.objects.filter(municipality=municipality).count()
    if existing >= insured:
        return 0
    employers = _demo_employers(municipality, max(insured // PEOPLE_PER_EMPLOYER, 1))
    added = 0
    for start in range(existing, insured, BATCH_SIZE):
        with transaction.atomic():
            people = _demo_people_create(
                municipality, employers, range(start, min(start + BATCH_SIZE, insured)), from_month
            )
        added += people
        log(f"  {start + people} of {insured} people")
    return added


def _demo_employers(municipality: Municipality, count: int) -> list[Employer]:
    """The first ``count`` demo employers of the city, created where missing: one in seven
    a public institution, one in ten an individual business, the rest enterprises, spread
    over the counties."""
    counties = list(municipality.counties.order_by("code"))
    known = set(
        Employer.objects.filter(municipality=municipality).values_list("credit_code", flat=True)
    )
    new_employers = []
    for number in range(count):
        code = demo_credit_code(municipality, number)
        if code in known:
            continue
        new_employers.append(
            Employer(
                municipality=municipality,
                county=counties[number % len(counties)],
                credit_code=code,
                name=f"示范单位{number + 1:05d}",
                unit_type=_demo_unit_type(number),
            )
        )
    Employer.objects.bulk_create(new_employers, batch_size=BATCH_SIZE)
    return list(Employer.objects.filter(municipality=municipality).order_by("credit_code")[:count])


def _demo_unit_type(number: int) -> str:
    if number % 7 == 0:
        return Employer.UnitType.PUBLIC
    if number % 10 == 3:
        return Employer.UnitType.INDIVIDUAL_BUSINESS
    return Employer.UnitType.ENTERPRISE


def _demo_people_create(
    municipality: Municipality,
    employers: list[Employer],
    numbers: range,
    from_month: datetime.date,
) -> int:
    """People ``numbers`` of the demo population, each with an episode from ``from_month``
    and, for an employee, a wage for its year. Returns how many were created."""
    people, plans = [], []
    for index in numbers:
        employer = employers[index % len(employers)]
        category = _category(index)
        if (
            category == Scope.EMPLOYEE
            and employer.unit_type == Employer.UnitType.INDIVIDUAL_BUSINESS
        ):
            category = Scope.BUSINESS_EMPLOYEE
        county = employer.county
        id_number = demo_resident_id(county.code, index)
        people.append(
            InsuredPerson(
                municipality=municipality,
                county=county,
                id_number=id_number,
                name=f"参保人{index + 1:06d}",
                birth_date=datetime.date(
                    int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14])
                ),
                sex="M" if int(id_number[16]) % 2 else "F",
                category=category,
                employer=None if category == Scope.FLEXIBLE else employer,
                status=status_on_enrollment(category),
            )
        )
        plans.append((category, 36000 + (index * 7919) % 120000))
    InsuredPerson.objects.bulk_create(people, batch_size=BATCH_SIZE)
    episodes, bases = [], []
    for person, (category, wage) in zip(people, plans, strict=True):
        episodes.append(
            EnrollmentEpisode(
                person=person,
                scheme=Scheme.EMPLOYEE,
                scope=category,
                county=person.county,
                employer=person.employer,
                from_month=from_month,
            )
        )
        if category in (Scope.EMPLOYEE, Scope.BUSINESS_EMPLOYEE):
            bases.append(
                ContributionBase(person=person, year=from_month.year, yearly_wage=Decimal(wage))
            )
    EnrollmentEpisode.objects.bulk_create(episodes, batch_size=BATCH_SIZE)
    ContributionBase.objects.bulk_create(bases, batch_size=BATCH_SIZE)
    return len(people)


def seed_enrollment(
    municipality: Municipality, options: DemoOptions, log: Callable[[str], None]
) -> None:
    month = demo_month()
    added = demo_population_create(
        municipality=municipality,
        insured=options.insured,
        from_month=month.replace(month=1),
        log=log,
    )
    log(f"Added {added} insured people")
    clerk = User.objects.filter(municipality=municipality, role=Role.AGENCY_CLERK).first()
    result = assessment_run(municipality=municipality, month=month, actor=clerk)
    log(f"Assessed {month:%Y-%m}: {result.created} new rows")
    imported = collection_file_import(
        municipality=municipality,
        file_name=f"collections-{month:%Y-%m}.csv",
        content=demo_collection_file(municipality, month),
        actor=clerk,
    )
    log(f"Collection file: batch {imported.batch.pk} ({'new' if imported.created else 'known'})")


register_seeder(30, "enrollment", seed_enrollment)
