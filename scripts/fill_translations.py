"""Fill a .po file's empty msgstr from a Python dict of translations and report what is left.

    python scripts/fill_translations.py PO_FILE TRANSLATIONS_PY

TRANSLATIONS_PY defines ``T = {msgid: msgstr}``. Used when adding strings; CI checks that
every catalogue is complete (tests/test_translations.py).
"""

import runpy
import sys

import polib


def main(po_path: str, translations_path: str) -> int:
    translations = runpy.run_path(translations_path)["T"]
    catalogue = polib.pofile(po_path)
    catalogue.metadata_is_fuzzy = False
    for entry in catalogue:
        if entry.msgid in translations:
            entry.msgstr = translations[entry.msgid]
            if "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
    catalogue.save()
    missing = [entry.msgid for entry in catalogue if not entry.msgstr and not entry.obsolete]
    for msgid in missing:
        print("missing:", msgid)
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
