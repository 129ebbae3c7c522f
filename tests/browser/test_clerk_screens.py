"""What a clerk sees, in a real browser at 1366 px in Chinese: the home page, the final
accounts, an account statement and the risk page of the Jining demo. Each page's body fits
the window, every amount carries its thousands separators and no English word shows outside
codes and names. Full-page screenshots go to ``SCREENSHOT_DIR`` (a temporary folder unless
set) for a reviewer to open."""

import io
import os
from pathlib import Path

import pytest
from django.core.management import call_command

from funds.ledger.models import Account
from tests.test_translations import english_words, unformatted_amounts

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def screens(tmp_path) -> Path:
    folder = Path(os.environ.get("SCREENSHOT_DIR") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def test_the_clerks_main_pages_fit_read_in_chinese_and_show_money(
    page, login, live_server, screens
):
    call_command("seed_demo", city="jining", insured=40, stdout=io.StringIO())
    pooled = Account.objects.filter(
        municipality__slug="jining", county__isnull=True, fund_type__code="310100"
    ).exclude(postings=None)
    statement = pooled.order_by("pk").first()
    page.set_viewport_size({"width": 1366, "height": 900})
    login("jining_clerk")
    pages = {
        "dashboard": "/",
        "final-accounts": "/funds/final-accounts/?year=2026&month_from=1&month_to=12&fund=310100",
        "statement": f"/funds/accounts/{statement.pk}/",
        "risk": "/settlement/risk/",
    }
    problems = {}
    for name, path in pages.items():
        response = page.goto(live_server.url + path)
        assert response.status == 200, path
        assert page.locator(".errorlist").count() == 0, path
        page.screenshot(path=str(screens / f"{name}.png"), full_page=True)
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        html = page.content()
        found = {
            "overflow": overflow > 0,
            "english": english_words(html),
            "unformatted": unformatted_amounts(html),
        }
        if any(found.values()):
            problems[name] = found
    assert problems == {}
