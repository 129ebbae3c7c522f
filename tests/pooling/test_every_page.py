"""Every page and API list without a parameter answers every role without a server error:
200 where the role may read it, a redirect or 403/404/405 where it may not — never a 500.
A safety net under the per-feature tests: a page that breaks for one role shows up here."""

import html
import io
import re

import pytest
from django.core.management import call_command
from django.urls import URLPattern, URLResolver, get_resolver

from pooling.accounts.models import User

pytestmark = pytest.mark.django_db
# Not pages: logout is a POST, set_language a POST, the admin has its own tests in Django.
SKIPPED_PREFIXES = ("/admin/", "/logout/", "/i18n/", "/api/auth/token/")


def _plain_paths(patterns, prefix: str = "") -> list[str]:
    """The URL paths that take no parameter, with their include prefixes."""
    found = []
    for pattern in patterns:
        route = str(pattern.pattern)
        if "<" in route or "(?P" in route or route.startswith("^"):
            continue
        if isinstance(pattern, URLResolver):
            found += _plain_paths(pattern.url_patterns, prefix + route)
        elif isinstance(pattern, URLPattern):
            found.append("/" + prefix + route)
    return sorted({path for path in found if not path.startswith(SKIPPED_PREFIXES)})


PATHS = _plain_paths(get_resolver().url_patterns)


def test_the_walk_finds_the_pages_and_the_api():
    assert "/settlement/own-disbursements/" in PATHS
    assert "/api/own-disbursements/" in PATHS
    assert len(PATHS) >= 60


@pytest.mark.parametrize(
    "role",
    [
        "agency_clerk",
        "bureau_approver",
        "finance_officer",
        "county_officer",
        "auditor",
        "administrator",
    ],
)
def test_no_page_answers_any_role_with_a_server_error(personas, client, role):
    user = next(user for key, user in personas.items() if key == role)
    client.force_login(user)
    client.raise_request_exception = False
    failures = []
    for path in PATHS:
        status = client.get(path).status_code
        if status >= 500 or status not in (200, 302, 400, 403, 404, 405):
            failures.append((path, status))
    assert failures == []


LINK = re.compile(r'href="(/[^"#]*)"')


def _crawl(client, start: str, limit: int) -> tuple[int, list[tuple[str, int]]]:
    """Follow the site's own links breadth-first from ``start`` (GET only, up to ``limit``
    pages); return how many pages were read and the ones that answered with an error."""
    seen, queue, failures = {start}, [start], []
    read = 0
    while queue and read < limit:
        path = queue.pop(0)
        response = client.get(path)
        read += 1
        if response.status_code >= 500:
            failures.append((path, response.status_code))
            continue
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        for link in LINK.findall(response.content.decode()):
            link = html.unescape(link)
            if link not in seen and not link.startswith(SKIPPED_PREFIXES + ("/static/",)):
                seen.add(link)
                queue.append(link)
    return read, failures


@pytest.mark.slow
@pytest.mark.parametrize("city", ["jining", "zhengzhou"])
def test_following_every_link_of_a_demo_city_never_meets_a_server_error(client, city):
    """The demo city with its people, collections, plans and spending, crawled as each of its
    demo users from the home page: detail pages, filters and exports included."""
    call_command("seed_demo", city=city, insured=200, stdout=io.StringIO())
    client.raise_request_exception = False
    for user in User.objects.filter(municipality__slug=city).order_by("username"):
        client.force_login(user)
        read, failures = _crawl(client, "/", limit=150)
        assert failures == [], user.username
        assert read >= 20, user.username
