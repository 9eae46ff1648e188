"""A consistent copy of the database, taken while the site is serving: `make backup`.

SQLite: its online backup API copies the database page by page inside a read transaction, so
the copy is a snapshot of committed data even while gunicorn workers write (a plain `cp` of a
WAL database can miss what is still in the -wal file). PostgreSQL: `pg_dump` in its custom
format, one snapshot too. `manage.py restore` puts either back.
"""

import os
import shutil
import sqlite3
import subprocess
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connections

SUFFIX = {"sqlite": "sqlite3", "postgresql": "dump"}


def libpq_env(connection):
    """The environment that points pg_dump and pg_restore at Django's database (a password
    in PGPASSWORD, never on a command line that `ps` shows)."""
    params = connection.settings_dict
    env = {**os.environ, "PGDATABASE": params["NAME"]}
    for key, name in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER")):
        if params.get(key):
            env[name] = str(params[key])
    if params.get("PASSWORD"):
        env["PGPASSWORD"] = params["PASSWORD"]
    return env


def postgres_tool(name):
    tool = shutil.which(name)
    if tool is None:
        raise CommandError(f"{name} is not installed: apt-get install postgresql-client")
    return tool


class Command(BaseCommand):
    help = "Copy the database to DATA_DIR/backups/ (or --output) while the site runs."

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            type=Path,
            help="file to write (default: DATA_DIR/backups/db-<UTC time>.sqlite3 or .dump)",
        )
        parser.add_argument("--database", default="default", help="database alias")

    def handle(self, *args, output=None, database="default", **options):
        connection = connections[database]
        if connection.vendor not in SUFFIX:
            raise CommandError(f"The {database!r} database is {connection.vendor}: no backup.")
        if output is None:
            stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
            name = f"db-{stamp}.{SUFFIX[connection.vendor]}"
            output = settings.DATA_DIR / "backups" / name
        output.parent.mkdir(parents=True, exist_ok=True)
        try:
            # Made here, empty and for its owner only (it holds travellers' requests), and
            # never over an existing file.
            os.close(os.open(output, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        except FileExistsError:
            raise CommandError(f"{output} exists already; not overwriting it.") from None
        try:
            if connection.vendor == "sqlite":
                self.sqlite(connection, output)
            else:
                self.postgresql(connection, output)
        except BaseException:
            output.unlink(missing_ok=True)
            raise
        self.stdout.write(f"Backed up the database to {output}")

    def sqlite(self, connection, output):
        connection.ensure_connection()
        target = sqlite3.connect(output)
        try:
            # pages=-1: the whole database in one step, so that no write slips in between.
            connection.connection.backup(target, pages=-1)
            check = target.execute("PRAGMA integrity_check").fetchone()[0]
        finally:
            target.close()
        if check != "ok":
            raise CommandError(f"The copy failed SQLite's integrity check: {check}")

    def postgresql(self, connection, output):
        result = subprocess.run(  # noqa: S603 - pg_dump with our own arguments
            [postgres_tool("pg_dump"), "--format=custom", "--no-owner", f"--file={output}"],
            env=libpq_env(connection),
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            raise CommandError(f"pg_dump failed: {result.stderr.strip()}")
