"""The Spanish interface catalogue: complete, never fuzzy, placeholders intact, compiled, and
covering every string the code and templates mark for translation."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools" / "i18n"))
import messages  # noqa: E402  (tools/i18n/messages.py)

PO = ROOT / "locale" / "es" / "LC_MESSAGES" / "django.po"
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]|\{\w+\}")


@pytest.fixture(scope="module")
def catalogue():
    return polib.pofile(str(PO))


def test_every_entry_has_a_spanish_translation(catalogue):
    untranslated = [entry.msgid for entry in catalogue.untranslated_entries()]
    assert untranslated == [], f"{len(untranslated)} untranslated: {untranslated[:10]}"


def test_no_translation_is_fuzzy(catalogue):
    fuzzy = [entry.msgid for entry in catalogue.fuzzy_entries()]
    assert fuzzy == [], f"fuzzy (check them, then remove the flag): {fuzzy[:10]}"
    assert not catalogue.metadata_is_fuzzy


def test_translations_keep_every_placeholder(catalogue):
    broken = []
    for entry in catalogue.translated_entries():
        wanted = sorted(PLACEHOLDER.findall(entry.msgid))
        translations = entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]
        for text in translations:
            if entry.msgid_plural and not wanted:
                continue
            if sorted(PLACEHOLDER.findall(text)) != wanted and not (
                entry.msgid_plural and set(PLACEHOLDER.findall(text)) <= set(wanted)
            ):
                broken.append((entry.msgid, text))
    assert broken == []


def test_the_committed_mo_is_compiled_from_the_po(tmp_path):
    """`make messages` (or tools/i18n/messages.py compile) was run after the last .po edit."""
    for po_path in messages.catalogues():
        committed = po_path.with_suffix(".mo").read_bytes()
        assert committed == messages.compiled_bytes(po_path, tmp_path / "fresh.mo"), (
            f"{po_path.with_suffix('.mo')} is stale: run `make messages`"
        )


def test_the_catalogue_covers_every_marked_string(tmp_path):
    """makemessages over templates, Python and e-mails finds no string the .po lacks. Needs GNU
    gettext's xgettext (`.ci/run` installs it); skipped without it, except under CI=true."""
    if shutil.which("xgettext") is None or shutil.which("msgmerge") is None:
        if os.environ.get("CI") == "true":
            pytest.fail("GNU gettext (xgettext, msgmerge) is missing; .ci/run installs it")
        pytest.skip("GNU gettext (xgettext) is not installed: apt-get install gettext")
    # makemessages writes into the checkout's locale/: run it on a copy of the site instead.
    copy = tmp_path / "site"
    for name in (
        "operator_site",
        "treks",
        "inquiries",
        "blog",
        "reviews",
        "desk",
        "bookings",
        "outbox",
        "trip_messages",
        "pages",
        "payments",
        "templates",
        "locale",
    ):
        shutil.copytree(ROOT / name, copy / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "manage.py", copy / "manage.py")
    args = [
        sys.executable,
        "manage.py",
        "makemessages",
        "-l",
        "es",
        "--add-location=file",
        "--no-obsolete",
    ]
    args += ["--ignore=static", "-e", "html,txt,py"]
    # The site's own settings: the copy has no tests/ package (pytest runs on tests.settings).
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "operator_site.settings"}
    env["DATA_DIR"] = str(tmp_path / "data")
    subprocess.run(args, cwd=copy, env=env, check=True, capture_output=True, timeout=120)  # noqa: S603
    scratch = copy / "locale" / "es" / "LC_MESSAGES"
    fresh = polib.pofile(str(scratch / "django.po"))

    def ids(po):
        return {(e.msgctxt, e.msgid) for e in po if not e.obsolete}

    committed = polib.pofile(str(PO))
    assert ids(fresh) - ids(committed) == set(), "new strings: run `make messages`, translate"
    assert ids(committed) - ids(fresh) == set(), "strings no longer used: run `make messages`"
