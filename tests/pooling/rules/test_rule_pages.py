"""The rule form page and API: the rule preselected from the list, and a version for an
account without a municipality refused on the county field."""

import pytest
from django.urls import reverse

from pooling.accounts.models import Role, User
from pooling.rules.models import PolicyRule

pytestmark = pytest.mark.django_db


@pytest.fixture
def unbound_administrator(jining) -> User:
    """An administrator of reference data bound to no municipality."""
    return User.objects.create(username="root_admin", role=Role.ADMINISTRATOR)


def test_the_rule_from_the_list_is_preselected(client_for, bureau_approver):
    response = client_for(bureau_approver).get(
        reverse("pooling:rule_create"), {"key": "top_up_rate"}
    )
    assert response.context["form"]["key"].value() == "top_up_rate"


def test_after_saving_the_list_shows_the_rule(client_for, bureau_approver):
    response = client_for(bureau_approver).post(
        reverse("pooling:rule_create"),
        {"key": "top_up_rate", "value": "0.08", "effective_from": "2027-01-01"},
    )
    assert response["Location"] == reverse("pooling:rule_list") + "?key=top_up_rate"


def test_a_city_version_needs_a_municipality_in_the_browser(
    english_client_for, unbound_administrator
):
    count = PolicyRule.objects.count()
    response = english_client_for(unbound_administrator).post(
        reverse("pooling:rule_create"),
        {"key": "top_up_rate", "value": "0.08", "effective_from": "2027-01-01"},
    )
    assert response.status_code == 400
    assert response.context["form"].errors == {
        "county": ["Your account belongs to no municipality."]
    }
    assert PolicyRule.objects.count() == count


def test_a_city_version_needs_a_municipality_in_the_api(api_for, unbound_administrator):
    count = PolicyRule.objects.count()
    response = api_for(unbound_administrator).post(
        "/api/rules/",
        {"key": "top_up_rate", "value": "0.08", "effective_from": "2027-01-01"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert response.json() == {"county": ["Your account belongs to no municipality."]}
    assert PolicyRule.objects.count() == count
