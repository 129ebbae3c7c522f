"""The Content-Security-Policy header: scripts and style sheets only from the site or inline
with the request's nonce, and no template that relies on anything else (no inline script or
style sheet without the nonce, no on* handler attribute)."""

import re
from pathlib import Path

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

TEMPLATES = Path(__file__).resolve().parents[3] / "templates"


def test_every_page_sends_the_policy_with_a_fresh_nonce(client_for, city_clerk):
    client = client_for(city_clerk)
    first = client.get(reverse("home"))
    second = client.get(reverse("home"))
    policy = first["Content-Security-Policy"]
    assert "script-src 'self' 'nonce-" in policy and "object-src 'none'" in policy
    assert "frame-ancestors 'none'" in policy
    assert "style-src 'self' 'nonce-" in policy
    assert policy != second["Content-Security-Policy"]
    assert b'src="/static/js/app.js"' in first.content or b"js/app" in first.content


def test_an_inline_script_carries_the_request_nonce(client_for, city_clerk, jining):
    import datetime

    from settlement.cycle.models import MonthlyCycle
    from settlement.cycle.services import cycle_start

    cycle, _created = cycle_start(
        municipality=jining, month=datetime.date(2026, 1, 1), actor=None, queue=False
    )
    response = client_for(city_clerk).get(reverse("settlement:cycle_detail", args=[cycle.pk]))
    nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"]).group(1)
    assert f'<script nonce="{nonce}">'.encode() in response.content
    assert MonthlyCycle.objects.filter(pk=cycle.pk).exists()


def test_no_template_has_a_script_the_policy_would_block():
    offending = []
    for path in TEMPLATES.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        for tag in re.findall(r"<script\b[^>]*>", text):
            if "src=" not in tag and "nonce=" not in tag and "application/json" not in tag:
                offending.append(f"{path.relative_to(TEMPLATES)}: {tag}")
        for tag in re.findall(r"<style\b[^>]*>", text):
            if "nonce=" not in tag:
                offending.append(f"{path.relative_to(TEMPLATES)}: {tag}")
        offending += [
            f"{path.relative_to(TEMPLATES)}: {handler}"
            for handler in re.findall(r"\son[a-z]+=\"", text)
        ]
        if "javascript:" in text:
            offending.append(f"{path.relative_to(TEMPLATES)}: javascript: URL")
    assert offending == []
