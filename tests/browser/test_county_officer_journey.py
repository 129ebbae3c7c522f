"""A county officer logs in, sees their county, and cannot open another county's page."""

import pytest

from pooling.structure.demo import seed_structure
from pooling.structure.presets import CITIES

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_county_officer_sees_own_county_and_not_another(page, login, live_server):
    jining = seed_structure(CITIES["jining"], log=lambda message: None)
    own = jining.counties.get(code="370811")
    other = jining.counties.get(code="370812")

    login("jining_county_a")
    page.wait_for_url(f"{live_server.url}/")
    assert "任城区" in page.inner_text("main")

    page.click("text=统筹单位")
    page.click(f"a[href='/counties/{own.pk}/']")
    assert page.inner_text("h1").startswith("任城区")
    assert "统收统支" in page.inner_text("main")

    response = page.goto(f"{live_server.url}/counties/{other.pk}/")
    assert response.status == 404
    assert "兖州区" not in page.content()


def test_wrong_password_shows_the_error_in_chinese(page, login, live_server):
    seed_structure(CITIES["jining"], log=lambda message: None)
    login("jining_county_a", password="wrong-password")
    assert "请输入一个正确的" in page.inner_text(".errorlist")
