"""Travellers' details and password hashes stay with the site's own user: the SQLite database
and its -wal and -shm files are 0600, the data folder 0700 (issue 12, item 14)."""

import json
import os
import stat

import pytest

from tests.subprocesses import run_python

FIRST_RUN = """
import json, os
os.umask(0o022)  # the usual umask, which gives 0644 files
import django
django.setup()
from django.conf import settings
from django.core.management import call_command
from django.db import connection
call_command("prepare_site", verbosity=0)
with connection.cursor() as cursor:  # an open connection: -wal and -shm exist now
    cursor.execute("SELECT count(*) FROM treks_trek")
db = str(settings.DATABASES["default"]["NAME"])
print(json.dumps({name: oct(os.stat(path).st_mode & 0o777) for name, path in [
    ("data folder", settings.DATA_DIR), ("db", db), ("wal", db + "-wal"), ("shm", db + "-shm")
]}))
"""


def _mode(path):
    return oct(stat.S_IMODE(os.stat(path).st_mode))


def test_a_first_run_makes_the_database_and_data_folder_private(tmp_path):
    data_dir = tmp_path / "var"
    data_dir.mkdir(mode=0o755)
    result = run_python(
        "-c",
        FIRST_RUN,
        env_overrides={"DJANGO_SECRET_KEY": "m" * 50, "DATA_DIR": str(data_dir)},
        tmp_path=tmp_path,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    modes = json.loads(result.stdout.strip().splitlines()[-1])
    assert modes == {"data folder": "0o700", "db": "0o600", "wal": "0o600", "shm": "0o600"}


@pytest.mark.django_db(transaction=True)
def test_an_older_install_with_readable_files_is_mended_on_connecting():
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("file modes concern the SQLite database only")
    name = str(connection.settings_dict["NAME"])
    paths = [p for p in (name, f"{name}-wal", f"{name}-shm") if os.path.exists(p)]
    assert name in paths
    for path in paths:
        os.chmod(path, 0o644)
    connection.close()  # the last connection: SQLite removes -wal and -shm
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM treks_trek")
    paths = [p for p in (name, f"{name}-wal", f"{name}-shm") if os.path.exists(p)]
    assert len(paths) == 3  # WAL mode: both made again by the first read
    assert {path: _mode(path) for path in paths} == dict.fromkeys(paths, "0o600")
