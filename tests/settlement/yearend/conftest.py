"""The year-end tests assert service messages in English (their msgids)."""

import pytest


@pytest.fixture(autouse=True)
def _english(english_messages):
    """Every test here asserts service messages in English."""
