"""The resident enrollment pages and API: the form, the import with its row report, the
assessment, arrears, the person's page; county isolation and the auditor's read-only access."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from enrollment.people.models import Scope
from enrollment.residents import services
from enrollment.residents.models import ResidentCategory, ResidentContribution, ResidentEnrollment
from tests.factories import csv_rows
from tests.factories.enrollment import resident_id

D = datetime.date


@pytest.fixture
def person_a(make_person, county_a):
    return make_person(county_a, category=Scope.ELDERLY, name="李老")


@pytest.fixture
def person_b(make_person, county_b):
    return make_person(
        county_b, category=Scope.CHILD, name="王小", id_number=resident_id(county_code="370812")
    )


def _form(person, **extra):
    return {
        "id_number": person.id_number,
        "benefit_year": "2026",
        "category": ResidentCategory.ELDERLY,
        "assisted_group": "none",
        "payer": "self",
        "enrolled_on": "2026-03-05",
        **extra,
    }


def test_county_officer_enrols_a_resident_and_sees_the_terms_on_the_person_page(
    english_client_for, county_a_officer, person_a
):
    client = english_client_for(county_a_officer)
    response = client.post(reverse("enrollment:resident_enroll"), _form(person_a))
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "Resident enrollment by benefit year" in page
    assert "2026-06-05" in page  # late: three months' waiting
    assert "400.00" in page
    assert ResidentContribution.objects.get().amount == 400


def test_county_officer_cannot_enrol_another_countys_resident(
    english_client_for, county_a_officer, person_b
):
    response = english_client_for(county_a_officer).post(
        reverse("enrollment:resident_enroll"), _form(person_b)
    )
    assert response.status_code == 400
    assert "No insured person with this ID number" in response.content.decode()
    assert not ResidentEnrollment.objects.exists()


def test_a_refusal_shows_next_to_its_field(english_client_for, city_clerk, person_a):
    response = english_client_for(city_clerk).post(
        reverse("enrollment:resident_enroll"), _form(person_a, assisted_group="extreme_poverty")
    )
    assert response.status_code == 400
    assert "Record who pays for an assisted resident" in response.content.decode()
    assert not ResidentEnrollment.objects.exists()


def test_auditor_reads_but_never_writes(client_for, auditor, person_a, city_clerk):
    services.resident_enroll(
        person=person_a,
        benefit_year=2026,
        category=ResidentCategory.ELDERLY,
        enrolled_on=D(2025, 10, 1),
        actor=city_clerk,
    )
    client = client_for(auditor)
    assert client.get(reverse("enrollment:resident_list")).status_code == 200
    assert client.get(reverse("enrollment:resident_arrears")).status_code == 200
    assert client.post(reverse("enrollment:resident_enroll"), _form(person_a)).status_code == 403
    assert (
        client.post(reverse("enrollment:resident_assess"), {"benefit_year": 2026}).status_code
        == 403
    )


def test_the_import_reports_each_bad_row_and_writes_nothing_until_asked(
    english_client_for, city_clerk, person_a, person_b
):
    content = (
        "id_number,benefit_year,category,assisted_group,payer,enrolled_on\n"
        f"{person_a.id_number},2026,老年居民,,,2025-10-01\n"
        f"{person_b.id_number},2026,child,minimum_living,self,2025-10-01\n"
        "110101199003070000,2026,elderly,,,2025-10-01\n"
    ).encode()
    client = english_client_for(city_clerk)
    url = reverse("enrollment:resident_import")
    response = client.post(url, {"file": SimpleUploadedFile("r.csv", content)})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Not one of the choices" in page  # "child" is not a resident category
    assert not ResidentEnrollment.objects.exists()
    response = client.post(
        url, {"file": SimpleUploadedFile("r.csv", content), "import_valid_rows": "on"}
    )
    assert ResidentEnrollment.objects.get().person == person_a
    assert ResidentContribution.objects.get().amount == 400


def test_the_api_enrols_scoped_and_imports(api_for, county_a_officer, person_a, person_b, auditor):
    api = api_for(county_a_officer)
    payload = {
        "benefit_year": 2026,
        "category": "elderly",
        "enrolled_on": "2025-11-02",
    }
    refused = api.post(
        "/api/resident-enrollments/", {**payload, "person": person_b.pk}, format="json"
    )
    assert refused.status_code == 400
    assert "person" in refused.json()
    created = api.post(
        "/api/resident-enrollments/", {**payload, "person": person_a.pk}, format="json"
    )
    assert created.status_code == 201
    assert created.json()["waiting_months"] == 0
    assert created.json()["contribution_amount"] == "400.00"
    bad = api.post(
        "/api/resident-enrollments/import/",
        {
            "file": SimpleUploadedFile(
                "r.csv", b"id_number,benefit_year,category,enrolled_on\nx,2026,elderly,2025-10-01\n"
            )
        },
        format="multipart",
    )
    assert bad.status_code == 400
    assert bad.json()["errors"][0]["column"] == "id_number"
    assert (
        api_for(auditor).post("/api/resident-enrollments/", payload, format="json").status_code
        == 403
    )
    assert len(api_for(auditor).get("/api/resident-enrollments/").json()["results"]) == 1


def test_arrears_list_and_export(english_client_for, city_clerk, county_b_officer, person_a):
    services.resident_enroll(
        person=person_a,
        benefit_year=2026,
        category=ResidentCategory.ELDERLY,
        enrolled_on=D(2025, 10, 1),
        actor=city_clerk,
    )
    url = reverse("enrollment:resident_arrears")
    rows = csv_rows(english_client_for(city_clerk).get(url, {"export": "csv"}))
    assert rows[0][-1] == "Outstanding"
    assert rows[1][0] == person_a.id_number and rows[1][-1] == "400.00"
    assert len(csv_rows(english_client_for(county_b_officer).get(url, {"export": "csv"}))) == 1
