"""Chinese is the default language: every catalogue must be complete and compiled."""

from pathlib import Path

import polib
import pytest
from django.conf import settings

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
