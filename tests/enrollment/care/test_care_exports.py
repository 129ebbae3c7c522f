"""Exports of the care lists: what the filter and the county scope select."""

import pytest
from django.urls import reverse

from enrollment.care import services
from tests.factories import csv_rows
from tests.factories.care import D, disease_apply

pytestmark = pytest.mark.django_db


def test_disease_application_export(
    english_client_for, person_a, person_b, diabetes, county_a_officer, county_b_officer, auditor
):
    application = disease_apply(person_a, diabetes, county_a_officer)
    services.disease_application_assess(
        application=application,
        approve=True,
        approved_from=D(2026, 4, 1),
        refusal_reason="",
        actor=county_a_officer,
    )
    disease_apply(person_b, diabetes, county_b_officer)
    url = reverse("enrollment:disease_list")

    rows = csv_rows(english_client_for(auditor).get(url, {"status": "approved", "export": "csv"}))
    assert rows[1] == [
        person_a.id_number,
        "赵六",
        "任城区",
        "糖尿病",
        "2026-03-01",
        "approved",
        "2026-04-01",
        "",
    ]
    own = csv_rows(english_client_for(county_b_officer).get(url, {"export": "csv"}))
    assert [row[1] for row in own[1:]] == ["钱七"]


def test_filing_export(english_client_for, person_a, county_a_officer, county_b_officer):
    services.out_of_area_filing_submit(
        person=person_a,
        kind="resident_elsewhere",
        destination="北京市",
        reason="随子女居住",
        valid_from=D(2026, 3, 1),
        valid_to=D(2026, 12, 31),
        actor=county_a_officer,
    )
    url = reverse("enrollment:filing_list")
    rows = csv_rows(english_client_for(county_a_officer).get(url, {"export": "csv"}))
    assert rows[1][1:9] == [
        "赵六",
        "任城区",
        "living elsewhere",
        "北京市",
        "随子女居住",
        "2026-03-01",
        "2026-12-31",
        "submitted",
    ]
    assert len(csv_rows(english_client_for(county_b_officer).get(url, {"export": "csv"}))) == 1
