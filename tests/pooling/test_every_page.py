"""Every page and API list without a parameter answers every role without a server error:
200 where the role may read it, a redirect or 403/404/405 where it may not — never a 500.
A safety net under the per-feature tests: a page that breaks for one role shows up here."""

import html
import io
import re

import pytest
from django.core.management import call_command
from django.urls import URLPattern, URLResolver, get_resolver

from pooling.accounts.models import Role, User
from pooling.structure.models import County

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


DIGITS = re.compile(r"/\d+/")


def _walk(
    client, start: str, limit: int, skipped: tuple[str, ...]
) -> tuple[dict[str, str], set[str]]:
    """The HTML pages reached from ``start`` by the site's own links (GET only, up to
    ``limit`` pages): path → decoded body of each page that answered 200, and every link met."""
    seen, queue, pages = {start}, [start], {}
    read = 0
    while queue and read < limit:
        path = queue.pop(0)
        response = client.get(path)
        read += 1
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        pages[path] = body = response.content.decode()
        for link in LINK.findall(body):
            link = html.unescape(link)
            if link not in seen and not link.startswith(skipped + ("/static/",)):
                seen.add(link)
                queue.append(link)
    return pages, seen


@pytest.mark.slow
def test_no_user_of_one_city_meets_an_object_of_the_other(client):
    """Two cities in one database, each crawled as its demo users — the city administrator
    (``is_staff``, never a superuser) through ``/admin/`` too: no page shows a county of the
    other municipality, and no detail page of the other city's objects (a path with an id,
    one of each shape reached only from that city's own pages, ``/admin/`` change pages
    included) answers 200 or a server error. Issue 15, standing check; about 60 s."""
    cities = ("jining", "zhengzhou")
    for city in cities:
        call_command("seed_demo", city=city, insured=30, stdout=io.StringIO())
    client.raise_request_exception = False
    counties = {
        city: set(County.objects.filter(municipality__slug=city).values_list("name", flat=True))
        for city in cities
    }
    shared = counties["jining"] & counties["zhengzhou"]  # e.g. 市本级, in both
    pages: dict[str, dict[str, dict[str, str]]] = {city: {} for city in cities}
    links: dict[str, set[str]] = {city: set() for city in cities}
    for city in cities:
        users = User.objects.filter(municipality__slug=city).order_by("username")
        assert users.filter(role=Role.ADMINISTRATOR, is_staff=True, is_superuser=False).exists()
        for user in users:
            client.force_login(user)
            skipped = tuple(p for p in SKIPPED_PREFIXES if p != "/admin/" or not user.is_staff)
            walked, met = _walk(client, "/", 45, skipped)
            if user.is_staff:
                admin_walked, admin_met = _walk(client, "/admin/", 45, SKIPPED_PREFIXES[1:])
                walked, met = walked | admin_walked, met | admin_met
            pages[city][user.username] = walked
            links[city] |= met
    failures = []
    for city, other in (cities, cities[::-1]):
        foreign = counties[other] - shared
        # One link of each shape (ids replaced) that only the other city's pages lead to.
        shapes = {
            DIGITS.sub("/N/", path.split("?")[0]): path.split("?")[0]
            for path in sorted(links[other] - links[city])
            if DIGITS.search(path.split("?")[0])
        }
        other_details = set(shapes.values())
        assert len(foreign) >= 5 and len(other_details) >= 10, (foreign, other_details)
        for username, walked in pages[city].items():
            for path, body in walked.items():
                shown = sorted(name for name in foreign if name in body)
                if shown:
                    failures.append((username, path, "shows", shown[:3]))
            client.force_login(User.objects.get(username=username))
            for path in sorted(other_details):
                status = client.get(path).status_code
                if status == 200 or status >= 500:
                    failures.append((username, path, status, other))
    assert failures == []
