"""The Spanish catalogue without GNU gettext on the machine: compile locale/*/django.po into the
django.mo that Django reads, with polib (pure Python), the same bytes on every machine.

    .venv/bin/python tools/i18n/messages.py compile   # after editing a .po (`make messages`)

The compiled .mo files are committed, so that `make run` and a deploy need no extra tool;
tests/test_i18n_catalogue.py fails when one is not current, or when an entry is untranslated,
fuzzy or loses a placeholder.
"""

import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parents[2]
LOCALE = ROOT / "locale"


def catalogues():
    return sorted(LOCALE.glob("*/LC_MESSAGES/django.po"))


def compiled_bytes(po_path, scratch):
    """The .mo that `po_path` compiles to, as bytes (written through `scratch`, a file path)."""
    polib.pofile(str(po_path)).save_as_mofile(str(scratch))
    return Path(scratch).read_bytes()


def compile_all():
    for po_path in catalogues():
        mo_path = po_path.with_suffix(".mo")
        polib.pofile(str(po_path)).save_as_mofile(str(mo_path))
        print(f"compiled {mo_path.relative_to(ROOT)}")


if __name__ == "__main__":
    if sys.argv[1:] != ["compile"]:
        sys.exit("usage: messages.py compile")
    compile_all()
