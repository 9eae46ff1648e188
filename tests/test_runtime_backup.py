"""`manage.py backup`: a consistent SQLite copy that restores (PostgreSQL: test_backup_restore)."""

import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from tests.factories import make_inquiry, make_trek

ROOT = Path(__file__).resolve().parent.parent

sqlite_only = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="the backup command copies SQLite databases"
)


@sqlite_only
@pytest.mark.django_db(transaction=True)
def test_a_backup_restores_with_every_trek_and_inquiry(tmp_path):
    lares = make_trek(name="Lares Trek", slug="lares-trek")
    make_trek(name="Ausangate Circuit", slug="ausangate")
    make_inquiry(trek=lares, email="ana@example.com")
    make_inquiry(email="luis@example.com")
    backup = tmp_path / "copy.sqlite3"
    call_command("backup", output=backup)
    assert oct(backup.stat().st_mode & 0o777) == "0o600"

    # Restore: the copy becomes the database of a fresh install, which finds the treks.
    restored = tmp_path / "restored"
    restored.mkdir()
    shutil.copy(backup, restored / "db.sqlite3")
    # The site's own settings, as an operator runs them (not tests.settings, which under xdist
    # would move DATA_DIR into a worker's folder).
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(
        {
            "DATA_DIR": str(restored),
            "DJANGO_SECRET_KEY": "s" * 50,
            "DJANGO_SETTINGS_MODULE": "operator_site.settings",
        }
    )
    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "shell",
            "-v",
            "0",
            "-c",
            "from treks.models import Trek; from inquiries.models import Inquiry; "
            "print(sorted(Trek.objects.values_list('slug', flat=True))); "
            "print(sorted(Inquiry.objects.values_list('email', 'trek__slug')))",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert result.stdout.splitlines() == [
        "['ausangate', 'lares-trek']",
        "[('ana@example.com', 'lares-trek'), ('luis@example.com', None)]",
    ]


@sqlite_only
@pytest.mark.django_db(transaction=True)
def test_a_backup_never_overwrites_a_file(tmp_path):
    existing = tmp_path / "copy.sqlite3"
    existing.write_text("keep me")
    with pytest.raises(CommandError, match="exists already"):
        call_command("backup", output=existing)
    assert existing.read_text() == "keep me"


@sqlite_only
@pytest.mark.django_db(transaction=True)
def test_the_default_backup_goes_under_data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    call_command("backup")
    (copy,) = (tmp_path / "backups").glob("db-*.sqlite3")
    with sqlite3.connect(copy) as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
