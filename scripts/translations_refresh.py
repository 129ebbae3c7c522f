"""Refresh every catalogue after code moved or strings were added, keeping what is translated.

    python scripts/translations_refresh.py [TRANSLATIONS.json …]

1. Builds a translation memory: every translated msgid of every catalogue (a string that moved
   from one app to another keeps its Chinese), plus the JSON files given (msgid → msgstr).
2. Runs ``makemessages -l zh_Hans`` for the project catalogue (``locale/``: the ``pooling`` app
   and every template) and inside each other app (its own ``locale/``).
3. Fills every empty or fuzzy entry whose msgid the memory knows, drops obsolete entries,
   compiles, and lists what is still missing (exit status 1 if anything is).
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
PYTHON = ROOT / ".venv" / "bin" / "python"
APPS = ("enrollment", "funds", "settlement")
PROJECT_IGNORES = [".venv", "./funds", "./enrollment", "./settlement", "./tests", "./scripts"]


def catalogues() -> list[Path]:
    return [ROOT / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"] + [
        ROOT / app / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po" for app in APPS
    ]


def memory(extra: list[str]) -> dict[str, str]:
    known: dict[str, str] = {}
    for path in catalogues():
        if path.exists():
            for entry in polib.pofile(str(path)):
                if entry.msgstr and "fuzzy" not in entry.flags and not entry.msgid_plural:
                    known.setdefault(entry.msgid, entry.msgstr)
    for name in extra:
        known.update(json.loads(Path(name).read_text(encoding="utf-8")))
    return known


def makemessages() -> None:
    env = {**os.environ, "DEBUG": "1"}
    ignores = [arg for name in PROJECT_IGNORES for arg in ("-i", name)]
    manage = str(ROOT / "manage.py")
    subprocess.run(
        [str(PYTHON), manage, "makemessages", "-l", "zh_Hans", *ignores, "-v", "0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    for app in APPS:
        subprocess.run(
            [str(PYTHON), manage, "makemessages", "-l", "zh_Hans", "-v", "0"],
            cwd=ROOT / app,
            env=env,
            check=True,
        )


def fill(path: Path, known: dict[str, str]) -> list[str]:
    catalogue = polib.pofile(str(path))
    catalogue.metadata_is_fuzzy = False
    for entry in list(catalogue):
        if entry.obsolete:
            catalogue.remove(entry)
            continue
        if (not entry.msgstr or "fuzzy" in entry.flags) and entry.msgid in known:
            entry.msgstr = known[entry.msgid]
            if "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
            entry.previous_msgid = None
    catalogue.save()
    catalogue.save_as_mofile(str(path.with_suffix(".mo")))
    return [
        entry.msgid
        for entry in catalogue
        if not entry.msgid_plural and (not entry.msgstr or "fuzzy" in entry.flags)
    ]


def main(extra: list[str]) -> int:
    known = memory(extra)
    makemessages()
    missing = {str(path.relative_to(ROOT)): fill(path, known) for path in catalogues()}
    for path, msgids in missing.items():
        for msgid in msgids:
            print(f"missing in {path}: {msgid!r}")
    return 1 if any(missing.values()) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
