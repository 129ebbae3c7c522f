"""Every amount reads as money in every language: ``9,000,000.00``."""

from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation

from pooling.templatetags.pooling_tags import money


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (Decimal("9000000"), "9,000,000.00"),
        (Decimal("1308.34000000000"), "1,308.34"),
        (660, "660.00"),
        (Decimal("0"), "0.00"),
        (Decimal("-1234.565"), "-1,234.57"),
        (Decimal("0.005"), "0.01"),
        (None, ""),
        ("", ""),
    ],
)
def test_amounts_show_separators_and_two_decimals(value, shown):
    assert money(value) == shown


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_filter_ignores_the_locale(language):
    with translation.override(language):
        html = Template("{% load pooling_tags %}{{ amount|money }}").render(
            Context({"amount": Decimal("9000000.5")})
        )
    assert html == "9,000,000.50"
