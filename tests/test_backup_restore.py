"""`make backup` and `manage.py restore` on both databases (issue 26, item 5): a backup of a
site with the demo content, restored into a fresh database, has the same rows in every table."""

import sqlite3
import uuid

import pytest

from tests.services import postgres_url
from tests.subprocesses import run_python

SECRET = {"DJANGO_SECRET_KEY": "s" * 50}


def _manage(tmp_path, *args, env):
    result = run_python("manage.py", *args, env_overrides={**SECRET, **env}, tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    return result


def _sqlite_counts(path):
    with sqlite3.connect(path) as db:
        tables = [
            name
            for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            if not name.startswith("sqlite_")
        ]
        return {
            table: db.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]  # noqa: S608
            for table in tables
        }


def test_an_sqlite_backup_restores_into_a_fresh_database_with_every_row(tmp_path):
    source, fresh = tmp_path / "source", tmp_path / "fresh"
    source.mkdir()
    fresh.mkdir()
    _manage(source, "migrate", "-v", "0", env={"DATA_DIR": str(source)})
    _manage(
        source, "loaddata", "catalogue", "pages", "blog", "-v", "0", env={"DATA_DIR": str(source)}
    )
    backup = tmp_path / "site.sqlite3"
    _manage(source, "backup", "--output", str(backup), env={"DATA_DIR": str(source)})
    assert oct(backup.stat().st_mode & 0o777) == "0o600"

    result = _manage(fresh, "restore", str(backup), "--yes", env={"DATA_DIR": str(fresh)})

    assert "Restored the database" in result.stdout
    expected, restored = _sqlite_counts(source / "db.sqlite3"), _sqlite_counts(fresh / "db.sqlite3")
    assert restored == expected
    assert expected["treks_trek"] > 0 and expected["operator_site_contentpage"] > 0


def test_restore_asks_for_yes_and_refuses_what_is_not_a_backup(tmp_path):
    not_a_backup = tmp_path / "notes.txt"
    not_a_backup.write_text("hello")
    result = run_python(
        "manage.py", "restore", str(not_a_backup), env_overrides=SECRET, tmp_path=tmp_path
    )
    assert result.returncode != 0 and "--yes" in result.stderr
    result = run_python(
        "manage.py", "restore", str(not_a_backup), "--yes", env_overrides=SECRET, tmp_path=tmp_path
    )
    assert result.returncode != 0 and "not an SQLite database" in result.stderr
    result = run_python(
        "manage.py",
        "restore",
        str(tmp_path / "missing"),
        "--yes",
        env_overrides=SECRET,
        tmp_path=tmp_path,
    )
    assert result.returncode != 0 and "is not a file" in result.stderr


def _postgres(statement):
    from tests.load.harness import _postgres_admin

    _postgres_admin(postgres_url(), statement)


def _postgres_counts(url):
    import psycopg

    from tests.load.harness import _libpq

    with psycopg.connect(_libpq(url)) as db:
        tables = [
            name
            for (name,) in db.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        ]
        return {
            table: db.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]  # noqa: S608
            for table in tables
        }


@pytest.mark.postgres
def test_a_postgresql_backup_restores_into_a_fresh_database_with_every_row(tmp_path):
    base = postgres_url().rsplit("/", 1)
    names = [f"{base[1]}_backup_{uuid.uuid4().hex[:8]}_{kind}" for kind in ("source", "fresh")]
    source_url, fresh_url = (f"{base[0]}/{name}" for name in names)
    for name in names:
        _postgres(f'CREATE DATABASE "{name}"')
    try:
        env = {"DATABASE_URL": source_url, "DATA_DIR": str(tmp_path)}
        _manage(tmp_path, "migrate", "-v", "0", env=env)
        _manage(tmp_path, "loaddata", "catalogue", "pages", "blog", "-v", "0", env=env)
        backup = tmp_path / "site.dump"
        _manage(tmp_path, "backup", "--output", str(backup), env=env)
        assert backup.read_bytes()[:5] == b"PGDMP"  # pg_dump's custom format
        assert oct(backup.stat().st_mode & 0o777) == "0o600"

        result = _manage(
            tmp_path, "restore", str(backup), "--yes", env={**env, "DATABASE_URL": fresh_url}
        )

        assert "Restored the database" in result.stdout
        expected, restored = _postgres_counts(source_url), _postgres_counts(fresh_url)
        assert restored == expected
        assert expected["treks_trek"] > 0 and expected["operator_site_contentpage"] > 0
    finally:
        for name in names:
            _postgres(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
