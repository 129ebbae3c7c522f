"""The resident fund 390100: assisted payers' contributions and fiscal subsidies booked per
county, never twice, and moved by the monthly cycle by each county's pooling model, to the
fen (DOMAIN §13; Z 四(四))."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from enrollment.people import services as people_services
from enrollment.people.models import Scope
from enrollment.residents import services as resident_services
from enrollment.residents.models import AssistedGroup, Payer, ResidentCategory
from funds.ledger.models import Account, JournalEntry
from funds.ledger.selectors import ledger_verify
from funds.residents import services
from funds.residents.models import ResidentSubsidy, SubsidyLevel
from settlement.cycle import services as cycle_services
from tests.factories.enrollment import resident_id
from tests.factories.settlement import MONTH, balance

RESIDENT = "390100"
INCOME, FISCAL = Account.Kind.INCOME, Account.Kind.FISCAL_SPECIAL
YEAR = 2026
PAID_ON = datetime.date(2026, 3, 10)


def _residents(municipality, code: str, count: int, **extra):
    county = municipality.counties.get(code=code)
    for _number in range(count):
        person = people_services.person_enroll(
            county=county,
            id_number=resident_id(county_code=code),
            name="居民",
            category=Scope.RESIDENT_OTHER,
            from_month=datetime.date(2025, 10, 1),
            actor=None,
        )
        resident_services.resident_enroll(
            person=person,
            benefit_year=YEAR,
            category=ResidentCategory.OTHER,
            enrolled_on=datetime.date(2025, 10, 20),
            actor=None,
            **extra,
        )
    return county


def _book_everything(municipality, code: str) -> None:
    """Two assisted residents paid by medical assistance, subsidies of every level received."""
    county = _residents(
        municipality,
        code,
        2,
        assisted_group=AssistedGroup.MINIMUM_LIVING,
        payer=Payer.MEDICAL_ASSISTANCE,
    )
    services.resident_assisted_collect(
        county=county,
        benefit_year=YEAR,
        payer=Payer.MEDICAL_ASSISTANCE,
        received_on=PAID_ON,
        actor=None,
    )
    services.resident_subsidy_request(municipality=municipality, benefit_year=YEAR, actor=None)
    for subsidy in ResidentSubsidy.objects.filter(county=county):
        services.resident_subsidy_receive(
            subsidy=subsidy,
            amount=subsidy.due,
            received_on=PAID_ON,
            reference=f"V-{subsidy.pk}",
            actor=None,
        )


def _run_cycle(municipality):
    cycle, _created = cycle_services.cycle_start(municipality=municipality, month=MONTH, actor=None)
    outcomes = cycle_services.cycle_run_all(cycle=cycle, actor=None)
    assert outcomes[-1].status == "done", [outcome.message for outcome in outcomes]


def test_subsidies_are_split_by_the_dated_shares_per_county(jinan_city):
    _residents(jinan_city, "370102", 3)
    subsidies = services.resident_subsidy_request(
        municipality=jinan_city, benefit_year=YEAR, actor=None
    )
    due = {subsidy.level: subsidy.due for subsidy in subsidies}
    # 3 × 670 = 2,010.00: central 50 %, provincial 20 %, city 15 %, county 15 %.
    assert due == {
        SubsidyLevel.CENTRAL: Decimal("1005.00"),
        SubsidyLevel.PROVINCIAL: Decimal("402.00"),
        SubsidyLevel.CITY: Decimal("301.50"),
        SubsidyLevel.COUNTY: Decimal("301.50"),
    }


def test_a_subsidy_receipt_is_never_booked_twice(jinan_city):
    _residents(jinan_city, "370102", 1)
    services.resident_subsidy_request(municipality=jinan_city, benefit_year=YEAR, actor=None)
    subsidy = ResidentSubsidy.objects.get(level=SubsidyLevel.CENTRAL)
    first = services.resident_subsidy_receive(
        subsidy=subsidy, amount=Decimal("200.00"), received_on=PAID_ON, reference="V1", actor=None
    )
    again = services.resident_subsidy_receive(
        subsidy=subsidy, amount=Decimal("200.00"), received_on=PAID_ON, reference="V1", actor=None
    )
    assert again.pk == first.pk
    assert JournalEntry.objects.filter(kind=JournalEntry.Kind.SUBSIDY).count() == 1
    subsidy.refresh_from_db()
    assert subsidy.received == Decimal("200.00")
    with pytest.raises(ValidationError) as error:
        services.resident_subsidy_receive(
            subsidy=subsidy,
            amount=Decimal("300.00"),
            received_on=PAID_ON,
            reference="V2",
            actor=None,
        )
    # 335.00 due, 200.00 received: 135.00 outstanding, 165.00 too much.
    assert "165.00" in str(error.value.message_dict["amount"])
    assert balance(jinan_city, county_code="370102", kind=INCOME, fund=RESIDENT) == Decimal(
        "200.00"
    )


def test_an_assisting_payer_pays_its_residents_once(jinan_city):
    county = _residents(
        jinan_city,
        "370102",
        2,
        assisted_group=AssistedGroup.EXTREME_POVERTY,
        payer=Payer.CIVIL_AFFAIRS,
    )
    count, amount = services.resident_assisted_collect(
        county=county, benefit_year=YEAR, payer=Payer.CIVIL_AFFAIRS, received_on=PAID_ON, actor=None
    )
    assert (count, amount) == (2, Decimal("800.00"))
    with pytest.raises(ValidationError):
        services.resident_assisted_collect(
            county=county,
            benefit_year=YEAR,
            payer=Payer.CIVIL_AFFAIRS,
            received_on=PAID_ON,
            actor=None,
        )
    assert balance(jinan_city, county_code="370102", kind=INCOME, fund=RESIDENT) == Decimal(
        "800.00"
    )


def test_unified_county_moves_resident_income_to_the_city_and_its_fiscal_account(jining_city):
    _book_everything(jining_city, "370811")
    # 800.00 contributions + 2 × 670.00 subsidies = 2,140.00.
    _run_cycle(jining_city)
    assert balance(jining_city, county_code="370811", kind=INCOME, fund=RESIDENT) == Decimal("0.00")
    assert balance(jining_city, kind=INCOME, fund=RESIDENT) == Decimal("0.00")
    assert balance(jining_city, kind=FISCAL, fund=RESIDENT) == Decimal("2140.00")
    assert ledger_verify(municipality=jining_city).ok


def test_tiered_county_keeps_its_resident_fund(jinan_city):
    _book_everything(jinan_city, "370124")
    _run_cycle(jinan_city)
    assert balance(jinan_city, county_code="370124", kind=FISCAL, fund=RESIDENT) == Decimal(
        "2140.00"
    )
    assert balance(jinan_city, kind=FISCAL, fund=RESIDENT) == Decimal("0.00")
    assert ledger_verify(municipality=jinan_city).ok


def test_zhengzhou_districts_hand_their_resident_fund_to_the_city_but_shangjie(zhengzhou_city):
    _book_everything(zhengzhou_city, "410105")  # 金水区
    _book_everything(zhengzhou_city, "410106")  # 上街区 keeps its own (Z 四(四))
    _run_cycle(zhengzhou_city)
    assert balance(zhengzhou_city, kind=FISCAL, fund=RESIDENT) == Decimal("2140.00")
    assert balance(zhengzhou_city, county_code="410105", kind=FISCAL, fund=RESIDENT) == Decimal(
        "0.00"
    )
    assert balance(zhengzhou_city, county_code="410106", kind=FISCAL, fund=RESIDENT) == Decimal(
        "2140.00"
    )
    assert ledger_verify(municipality=zhengzhou_city).ok


# Pages and API ------------------------------------------------------------------------------


@pytest.fixture
def jinan_people(jinan_city):
    from pooling.accounts.models import Role, User

    _residents(jinan_city, "370102", 2)
    _residents(jinan_city, "370124", 1)
    return {
        role: User.objects.get(municipality=jinan_city, username=f"jinan_{suffix}")
        for role, suffix in [
            (Role.AGENCY_CLERK, "clerk"),
            (Role.COUNTY_OFFICER, "county_a"),
            (Role.AUDITOR, "auditor"),
        ]
    }


def test_clerk_requests_and_books_a_subsidy_on_the_pages(client_for, jinan_people):
    from django.urls import reverse

    from pooling.accounts.models import Role
    from tests.factories import csv_rows

    client = client_for(jinan_people[Role.AGENCY_CLERK])
    response = client.post(reverse("funds:resident_subsidy_request"), {"benefit_year": YEAR})
    assert response.status_code == 302
    assert ResidentSubsidy.objects.count() == 8
    subsidy = ResidentSubsidy.objects.get(county__code="370102", level=SubsidyLevel.CITY)
    url = reverse("funds:resident_subsidy_receive", args=[subsidy.pk])
    too_much = client.post(url, {"amount": "999.00", "received_on": "2026-03-10", "reference": "A"})
    assert too_much.status_code == 400
    assert (
        client.post(
            url, {"amount": "201.00", "received_on": "2026-03-10", "reference": "A"}
        ).status_code
        == 302
    )
    subsidy.refresh_from_db()
    assert subsidy.received == Decimal("201.00")
    rows = csv_rows(
        client.get(reverse("funds:resident_subsidies"), {"export": "csv", "year": YEAR})
    )
    assert len(rows) == 9
    # The county officer of 历下区 sees their county's four levels only.
    officer = client_for(jinan_people[Role.COUNTY_OFFICER])
    own = csv_rows(officer.get(reverse("funds:resident_subsidies"), {"export": "csv"}))
    assert len(own) == 5
    assert (
        officer.post(
            url, {"amount": "1.00", "received_on": "2026-03-10", "reference": "B"}
        ).status_code
        == 403
    )


def test_auditor_reads_the_subsidy_report_and_cannot_book(client_for, api_for, jinan_people):
    from django.urls import reverse

    from pooling.accounts.models import Role

    services.resident_subsidy_request(
        municipality=jinan_people[Role.AUDITOR].municipality, benefit_year=YEAR, actor=None
    )
    auditor = jinan_people[Role.AUDITOR]
    assert client_for(auditor).get(reverse("funds:resident_subsidies")).status_code == 200
    subsidy = ResidentSubsidy.objects.first()
    api = api_for(auditor)
    assert (
        api.post(
            f"/api/resident-subsidies/{subsidy.pk}/receive/",
            {"amount": "1.00", "received_on": "2026-03-10", "reference": "X"},
            format="json",
        ).status_code
        == 403
    )
    assert api.get("/api/resident-subsidies/").status_code == 200


def test_the_api_books_a_receipt_once_and_refuses_bad_input(api_for, jinan_people):
    from pooling.accounts.models import Role

    api = api_for(jinan_people[Role.AGENCY_CLERK])
    created = api.post("/api/resident-subsidies/request/", {"benefit_year": YEAR}, format="json")
    assert created.status_code == 201
    subsidy_id = created.json()[0]["id"]
    body = {"amount": "100.00", "received_on": "2026-03-10", "reference": "V9"}
    first = api.post(f"/api/resident-subsidies/{subsidy_id}/receive/", body, format="json")
    again = api.post(f"/api/resident-subsidies/{subsidy_id}/receive/", body, format="json")
    assert first.status_code == again.status_code == 201
    assert first.json()["id"] == again.json()["id"]
    bad = api.post(f"/api/resident-subsidies/{subsidy_id}/receive/", {"amount": "x"}, format="json")
    assert bad.status_code == 400
    assert set(bad.json()) >= {"amount", "received_on", "reference"}


def test_the_tax_bureau_file_pays_residents_once_per_county(api_for, client_for, jinan_people):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    from enrollment.residents.models import ResidentContribution
    from pooling.accounts.models import Role

    contributions = list(
        ResidentContribution.objects.select_related("enrollment__person").order_by("pk")
    )
    lines = ["身份证号,待遇年度,金额"]
    lines += [f"{c.enrollment.person.id_number},{YEAR},400.00" for c in contributions]
    good = ("\n".join(lines) + "\n").encode()
    wrong = (lines[0] + f"\n{contributions[0].enrollment.person.id_number},{YEAR},300\n").encode()
    clerk = jinan_people[Role.AGENCY_CLERK]
    api = api_for(clerk)
    refused = api.post(
        "/api/resident-collection-files/",
        {"file": SimpleUploadedFile("t.csv", wrong), "received_on": "2026-03-10"},
        format="multipart",
    )
    assert refused.status_code == 400
    assert "400.00" in refused.json()["errors"][0]["reason_en"]
    response = client_for(clerk).post(
        reverse("funds:resident_collection_import"),
        {"file": SimpleUploadedFile("t.csv", good), "received_on": "2026-03-10"},
    )
    assert response.status_code == 302
    assert balance(
        jinan_city := clerk.municipality, county_code="370102", kind=INCOME, fund=RESIDENT
    ) == Decimal("800.00")
    assert balance(jinan_city, county_code="370124", kind=INCOME, fund=RESIDENT) == Decimal(
        "400.00"
    )
    again = api.post(
        "/api/resident-collection-files/",
        {"file": SimpleUploadedFile("t.csv", good), "received_on": "2026-03-10"},
        format="multipart",
    )
    assert again.status_code == 400
    assert "already paid" in again.json()["errors"][0]["reason_en"]
    assert JournalEntry.objects.filter(kind=JournalEntry.Kind.COLLECTION).count() == 2
