"""Demo data of the resident scheme (DOMAIN §13) for the cities whose documents pool it
(Jinan J 二(二)2, Zhengzhou Z 二; Jining's document pools employees only): in every member
unit, residents of every category and assisted group enrolled for the demo year (one of them
late), their contributions assessed and paid (through the tax bureau's file or by the
assisting body, one resident left in arrears), and the fiscal subsidies requested and
received (the county's share half received), all before the demo month's cycle moves the
resident income by each county's pooling model."""

import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone

from enrollment.people.models import InsuredPerson, Scope
from enrollment.people.services import person_enroll
from enrollment.people.validators import resident_id_check_character
from enrollment.residents.models import (
    AssistedGroup,
    Payer,
    ResidentCategory,
    ResidentContribution,
    ResidentEnrollment,
)
from enrollment.residents.services import resident_enroll
from funds.residents import services
from funds.residents.models import ResidentSubsidy, SubsidyLevel
from pooling.accounts.models import Role, User
from pooling.core.money import round_money
from pooling.structure.demo import DemoOptions, register_seeder
from pooling.structure.models import Municipality

RESIDENT_CITIES = frozenset({"jinan", "zhengzhou"})

# (category, person's scope, assisted group, payer) of each demo resident of a unit.
DEMO_RESIDENTS = (
    (ResidentCategory.STUDENT_CHILD, Scope.CHILD, AssistedGroup.NONE, Payer.SELF),
    (ResidentCategory.STUDENT_CHILD, Scope.STUDENT, AssistedGroup.NONE, Payer.SELF),
    (ResidentCategory.COLLEGE_STUDENT, Scope.STUDENT, AssistedGroup.NONE, Payer.SELF),
    (ResidentCategory.ELDERLY, Scope.ELDERLY, AssistedGroup.NONE, Payer.SELF),
    (ResidentCategory.OTHER, Scope.RESIDENT_OTHER, AssistedGroup.NONE, Payer.SELF),
    (
        ResidentCategory.OTHER,
        Scope.RESIDENT_OTHER,
        AssistedGroup.MINIMUM_LIVING,
        Payer.MEDICAL_ASSISTANCE,
    ),
    (ResidentCategory.ELDERLY, Scope.ELDERLY, AssistedGroup.EXTREME_POVERTY, Payer.CIVIL_AFFAIRS),
    (
        ResidentCategory.OTHER,
        Scope.RESIDENT_OTHER,
        AssistedGroup.SEVERELY_DISABLED,
        Payer.DISABLED_FEDERATION,
    ),
)
LATE_INDEX = 4  # the other non-working resident enrols late and waits
ARREARS_INDEX = 3  # the elderly resident has not paid yet


def _demo_id(county_code: str, index: int) -> str:
    """A resident ID of the demo residents: born 2000–2010, sequence 9xx (the employee demo
    population is born before 2000), so the two never collide."""
    birth = datetime.date(2000 + index, 3, 1 + index)
    first = f"{county_code}{birth:%Y%m%d}9{index:02d}"
    return first + resident_id_check_character(first)


def _enrol_residents(municipality: Municipality, year: int, today: datetime.date, clerk) -> int:
    enrolled = 0
    for county in municipality.counties.order_by("code"):
        for index, (category, scope, group, payer) in enumerate(DEMO_RESIDENTS):
            id_number = _demo_id(county.code, index)
            person = InsuredPerson.objects.filter(id_number=id_number).first()
            if person is None:
                person = person_enroll(
                    county=county,
                    id_number=id_number,
                    name=f"居民{county.code[-2:]}{index + 1:02d}",
                    category=scope,
                    from_month=datetime.date(year - 1, 10, 1),
                    actor=clerk,
                )
            if ResidentEnrollment.objects.filter(person=person, benefit_year=year).exists():
                continue
            resident_enroll(
                person=person,
                benefit_year=year,
                category=category,
                enrolled_on=today if index == LATE_INDEX else datetime.date(year - 1, 10, 15),
                assisted_group=group,
                payer=payer,
                actor=clerk,
            )
            enrolled += 1
    return enrolled


def _collect(municipality: Municipality, year: int, today: datetime.date, clerk) -> None:
    unpaid = (
        ResidentContribution.objects.filter(
            municipality=municipality, benefit_year=year, payer=Payer.SELF, paid=0
        )
        .select_related("enrollment__person")
        .order_by("pk")
    )
    lines = ["id_number,benefit_year,amount"]
    for contribution in unpaid:
        person = contribution.enrollment.person
        if person.id_number[-4:-1] != f"9{ARREARS_INDEX:02d}":
            lines.append(f"{person.id_number},{year},{contribution.amount}")
    if len(lines) > 1:
        services.resident_collection_import(
            municipality=municipality,
            actor=clerk,
            file_name=f"resident-collections-{year}.csv",
            content=("\n".join(lines) + "\n").encode(),
            received_on=today,
        )
    for county in municipality.counties.order_by("code"):
        for payer in (Payer.MEDICAL_ASSISTANCE, Payer.CIVIL_AFFAIRS, Payer.DISABLED_FEDERATION):
            try:
                services.resident_assisted_collect(
                    county=county, benefit_year=year, payer=payer, received_on=today, actor=clerk
                )
            except ValidationError:
                continue  # already paid: a second run of the demo


def _subsidies(municipality: Municipality, year: int, today: datetime.date, clerk) -> None:
    services.resident_subsidy_request(municipality=municipality, benefit_year=year, actor=clerk)
    for subsidy in ResidentSubsidy.objects.filter(
        municipality=municipality, benefit_year=year
    ).order_by("pk"):
        amount = subsidy.due
        if subsidy.level == SubsidyLevel.COUNTY:
            amount = round_money(subsidy.due / 2)
        if amount <= 0 or subsidy.received:
            continue
        services.resident_subsidy_receive(
            subsidy=subsidy,
            amount=amount,
            received_on=today,
            reference=f"DEMO-{year}-{subsidy.county.code}-{subsidy.level}",
            actor=clerk,
        )


def seed_residents(municipality: Municipality, options: DemoOptions, log) -> None:
    """Enrol, assess, collect and subsidise the demo year's residents (module docstring).
    A second run finds everything enrolled, paid and received, and books nothing."""
    if options.city not in RESIDENT_CITIES:
        return
    today = timezone.localdate()
    year = today.year
    clerk = User.objects.filter(municipality=municipality, role=Role.AGENCY_CLERK).first()
    enrolled = _enrol_residents(municipality, year, today, clerk)
    _collect(municipality, year, today, clerk)
    _subsidies(municipality, year, today, clerk)
    log(f"Enrolled {enrolled} residents for {year}; contributions and subsidies booked")


register_seeder(45, "resident scheme", seed_residents)
