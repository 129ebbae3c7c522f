"""The structure's form pages: changing a county's pooling model and recording an accession
evaluation, with service errors next to their fields."""

import datetime

import pytest
from django.urls import reverse

from pooling.structure.models import AccessionEvaluation, CountyPoolingModel

pytestmark = pytest.mark.django_db


def test_the_bureau_changes_a_countys_pooling_model(client_for, bureau_approver, county_a):
    response = client_for(bureau_approver).post(
        reverse("pooling:pooling_model_create"),
        {"county": county_a.pk, "model": "tiered", "effective_from": "2027-01-01"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("pooling:county_detail", args=[county_a.pk])
    current = CountyPoolingModel.objects.get(county=county_a, effective_to__isnull=True)
    assert (current.model, current.effective_from) == ("tiered", datetime.date(2027, 1, 1))


def test_a_model_starting_before_the_current_one_is_refused_on_its_date(
    english_client_for, bureau_approver, county_a
):
    count = CountyPoolingModel.objects.count()
    response = english_client_for(bureau_approver).post(
        reverse("pooling:pooling_model_create"),
        {"county": county_a.pk, "model": "tiered", "effective_from": "2019-01-01"},
    )
    assert response.status_code == 400
    assert response.context["form"].errors == {
        "effective_from": ["The county already has a pooling model starting on or after this date."]
    }
    assert CountyPoolingModel.objects.count() == count


def test_the_form_pages_show_their_heading_and_cancel_to_their_list(
    english_client_for, bureau_approver
):
    client = english_client_for(bureau_approver)
    for name, heading, back in [
        ("pooling_model_create", "Change a county's pooling model", "pooling_model_list"),
        ("accession_create", "Record an accession evaluation", "accession_list"),
        ("rule_create", "Add a rule version", "rule_list"),
    ]:
        page = client.get(reverse(f"pooling:{name}")).content.decode()
        assert f"<h1>{heading}</h1>".replace("'", "&#x27;") in page, name
        assert f'href="{reverse(f"pooling:{back}")}"' in page, name


def test_a_passed_evaluation_without_joining_date_shows_the_field_errors(
    english_client_for, bureau_approver, county_a
):
    response = english_client_for(bureau_approver).post(
        reverse("pooling:accession_create"),
        {"county": county_a.pk, "evaluated_on": "2026-05-01", "result": "passed"},
    )
    assert response.status_code == 400
    # Every refusal at once, each on its field (Jining's units acceded with the city).
    assert set(response.context["form"].errors) == {"county", "join_date", "model_after"}
    assert not AccessionEvaluation.objects.filter(county=county_a).exists()
