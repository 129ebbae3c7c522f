"""The menu: grouped by section in a fixed order, only what the role may open, the current
page marked for the eye and for screen readers."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_the_menu_is_grouped_by_section_and_marks_the_current_page(client_for, city_clerk):
    client = client_for(city_clerk)
    url = reverse("settlement:usage_plan_list")

    response = client.get(url)

    sections = response.context["navigation_sections"]
    assert [section["key"] for section in sections] == [
        "pooling",
        "enrollment",
        "funds",
        "settlement",
    ]
    current = [item for section in sections for item in section["items"] if item["current"]]
    assert [item["url"] for item in current] == [url]
    html = response.content.decode()
    assert f'href="{url}" aria-current="page"' in html
    assert "月度结算与计划" in html  # the section label, in Chinese by default


def test_a_county_officer_sees_no_page_of_the_city(client_for, county_a_officer):
    response = client_for(county_a_officer).get(reverse("settlement:usage_plan_list"))

    urls = [item["url"] for item in response.context["navigation"]]
    assert reverse("settlement:cycle_list") not in urls  # the monthly cycle is the city's
    assert reverse("settlement:usage_plan_list") in urls


def test_no_menu_before_login(client):
    response = client.get(reverse("login"))

    assert 'class="sections"' not in response.content.decode()
