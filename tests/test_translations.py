"""Chinese is the default language: every catalogue must be complete and compiled."""

import html
import io
import re
from html.parser import HTMLParser
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.management import call_command

from enrollment.residents.services import ENROLLMENT_FILE_COLUMNS
from pooling.accounts.models import User
from settlement.benefits.claims.services import CLAIM_COLUMNS

CATALOGUES = sorted(
    path
    for path in Path(settings.BASE_DIR).glob("**/locale/zh_Hans/LC_MESSAGES/django.po")
    if ".venv" not in path.parts
)


def test_there_are_catalogues():
    assert CATALOGUES


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda path: str(path.parent.parent.parent.parent))
def test_every_message_is_translated_and_compiled(path):
    catalogue = polib.pofile(str(path))
    untranslated = [entry.msgid for entry in catalogue.untranslated_entries()]
    fuzzy = [entry.msgid for entry in catalogue.fuzzy_entries()]
    assert untranslated == [] and fuzzy == []
    compiled = path.with_suffix(".mo")
    assert compiled.exists()
    assert compiled.stat().st_mtime >= path.stat().st_mtime - 1, f"run compilemessages for {path}"


# --- Pages as a Chinese reader sees them -------------------------------------------------
# A string that makemessages never extracts (a custom alias, a literal in a view, a raw key)
# stays English on a Chinese page; the catalogue check above cannot see it, so pages are read.

ENGLISH_WORD = re.compile(r"\b[A-Za-z][a-z]{2,}\b")
# Names and the columns of an import file (what the clerk types in a header row), not words.
NAMES = {"Word", "chinesecalendar", "min", "year", "month", "wage", "payroll", "amount", "visits"}
NAMES |= {"fund"}
# The national settlement interface's field names (begndate, certno, referral …): claims'
# forms and import help show them so an institution's file maps one to one (DOMAIN §15);
# likewise the resident enrollment file's column names (category, payer …).
NAMES |= set(CLAIM_COLUMNS) | set(ENROLLMENT_FILE_COLUMNS.values())
FILE_NAME = re.compile(r"\S+\.(?:csv|xlsx|pdf|ofd)\b", re.IGNORECASE)
SKIPPED_TAGS = {"script", "style", "code"}
VOID_TAGS = {"area", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}


class _VisibleText(HTMLParser):
    """The text of a page's body a reader sees (and its titles, placeholders and button
    values), leaving out scripts, ``<code>`` and anything marked ``translate="no"``."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.stack: list[bool] = []  # per open element: is its content skipped
        self.in_body = False

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "body":
            self.in_body = True
        skipped = (self.stack and self.stack[-1]) or tag in SKIPPED_TAGS
        skipped = skipped or attributes.get("translate") == "no"
        if self.in_body and not skipped:
            for name in ("title", "placeholder", "aria-label"):
                if attributes.get(name):
                    self.parts.append(attributes[name])
            if tag == "input" and attributes.get("type") in ("submit", "button"):
                self.parts.append(attributes.get("value") or "")
        if tag not in VOID_TAGS:
            self.stack.append(bool(skipped))

    def handle_endtag(self, tag):
        if tag not in VOID_TAGS and self.stack:
            self.stack.pop()

    def handle_data(self, data):
        if self.in_body and not (self.stack and self.stack[-1]):
            self.parts.append(data)


def visible_text(page: str) -> str:
    parser = _VisibleText()
    parser.feed(page)
    return FILE_NAME.sub(" ", " ".join(parser.parts))


def english_words(page: str) -> set[str]:
    """The English words a Chinese reader would meet on ``page`` (HTML), names excepted."""
    return {word for word in ENGLISH_WORD.findall(visible_text(page)) if word not in NAMES}


# 9000000.00 where 9,000,000.00 belongs: four or more digits before the point, no separator.
UNFORMATTED_AMOUNT = re.compile(r"(?<![\d,.])\d{4,}\.\d{2}\b")


def unformatted_amounts(page: str) -> set[str]:
    return set(UNFORMATTED_AMOUNT.findall(visible_text(page)))


def test_the_reader_finds_an_amount_without_separators():
    page = "<html><body><td>9000000.00</td><td>9,000,000.00</td><td>0.074</td></body></html>"
    assert unformatted_amounts(page) == {"9000000.00"}


def test_the_reader_finds_a_string_that_was_never_translated():
    page = (
        "<html><body><h1>基金</h1><p>The employer was registered.</p><code>pooled_fund</code>"
        '<select translate="no"><option>English</option></select>'
        '<script>const status = "running";</script><input type="submit" value="Save"></body></html>'
    )
    assert english_words(page) == {"The", "employer", "was", "registered", "Save"}


LINK = re.compile(r'href="(/[^"#]*)"')
NOT_PAGES = ("/admin/", "/logout/", "/i18n/", "/api/", "/static/", "/media/")


def _english_on_pages(client, start: str, limit: int) -> dict[str, set[str]]:
    """Follow the site's links from ``start`` (GET only, up to ``limit`` pages, exports
    skipped) and return the English words and unformatted amounts found on each page."""
    seen, queue, found, read = {start}, [start], {}, 0
    while queue and read < limit:
        path = queue.pop(0)
        response = client.get(path)
        read += 1
        if "html" not in response.get("Content-Type", ""):
            continue
        page = response.content.decode()
        words = english_words(page) | unformatted_amounts(page)
        if words:
            found[path] = words
        for link in LINK.findall(page):
            link = html.unescape(link)
            if link not in seen and not link.startswith(NOT_PAGES) and "export=" not in link:
                seen.add(link)
                queue.append(link)
    return found


@pytest.mark.django_db
def test_every_page_of_the_demo_city_reads_in_chinese_with_amounts_as_money(client):
    """The Jining demo crawled in Chinese as a city clerk, a county officer and an auditor,
    plus the error pages: no English word outside codes and names, no amount without its
    thousands separators."""
    call_command("seed_demo", city="jining", insured=40, stdout=io.StringIO())
    client.raise_request_exception = False
    found: dict[str, set[str]] = {}
    for username in ("jining_clerk", "jining_county_a", "jining_auditor"):
        client.force_login(User.objects.get(username=username))
        for path, words in _english_on_pages(client, "/", limit=250).items():
            found.setdefault(path, set()).update(words)
    client.force_login(User.objects.get(username="jining_county_a"))
    for path in ("/audit/", "/no-such-page/", "/enrollment/people/999999/"):
        response = client.get(path)
        assert response.status_code in (403, 404)
        if words := english_words(response.content.decode()):
            found[path] = words
    report = "\n".join(
        f"{path}: {' '.join(sorted(words))}" for path, words in sorted(found.items())
    )
    assert found == {}, report
