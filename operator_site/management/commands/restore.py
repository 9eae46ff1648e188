"""Put a backup of `manage.py backup` back into the database: `make restore FILE=...`.

It replaces everything in the database: stop the site first (`systemctl stop site-gunicorn`),
and say --yes. SQLite's copy goes in with the online backup API (the database file stays in
place, with its mode); PostgreSQL's dump with pg_restore, every object dropped and made again,
in one transaction. Then the page cache's version is moved past any it had before and after,
so that no page stored before the restore is served after it.
"""

import sqlite3
import subprocess
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from operator_site import pagecache
from operator_site.models import ContentVersion

from .backup import libpq_env, postgres_tool


class Command(BaseCommand):
    help = "Replace the database with a backup made by `manage.py backup` (stop the site first)."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="the backup: a .sqlite3 copy or a .dump")
        parser.add_argument(
            "--yes", action="store_true", help="yes, replace everything in the database"
        )
        parser.add_argument("--database", default="default", help="database alias")

    def handle(self, *args, file, yes, database="default", **options):
        if not file.is_file():
            raise CommandError(f"{file} is not a file.")
        if not yes:
            raise CommandError(
                "This replaces everything in the database with the backup. Stop the site, "
                "then run it again with --yes."
            )
        connection = connections[database]
        before = self.version(database)
        if connection.vendor == "sqlite":
            self.sqlite(connection, file)
        elif connection.vendor == "postgresql":
            self.postgresql(connection, file)
        else:
            raise CommandError(f"The {database!r} database is {connection.vendor}: no restore.")
        after = self.version(database)
        ContentVersion.objects.using(database).update_or_create(
            pk=1, defaults={"n": max(before, after)}
        )
        pagecache.bump()  # one past both, and the cache's copy of the version dropped
        self.stdout.write(f"Restored the database from {file}")

    def version(self, database):
        try:
            return (
                ContentVersion.objects.using(database)
                .filter(pk=1)
                .values_list("n", flat=True)
                .first()
                or 0
            )
        except Exception:  # a fresh database without tables yet
            return 0

    def sqlite(self, connection, file):
        with open(file, "rb") as head:
            if head.read(16) != b"SQLite format 3\x00":
                raise CommandError(f"{file} is not an SQLite database (a PostgreSQL dump?).")
        source = sqlite3.connect(f"file:{file}?mode=ro", uri=True)
        try:
            check = source.execute("PRAGMA integrity_check").fetchone()[0]
            if check != "ok":
                raise CommandError(f"{file} failed SQLite's integrity check: {check}")
            connection.close()
            connection.ensure_connection()
            source.backup(connection.connection, pages=-1)
        finally:
            source.close()

    def postgresql(self, connection, file):
        result = subprocess.run(  # noqa: S603 - pg_restore with our own arguments
            [
                postgres_tool("pg_restore"),
                "--clean",
                "--if-exists",
                "--no-owner",
                "--single-transaction",
                "--exit-on-error",
                f"--dbname={connection.settings_dict['NAME']}",
                str(file),
            ],
            env=libpq_env(connection),
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            raise CommandError(f"pg_restore failed: {result.stderr.strip()}")
        connection.close()  # its cached view of the tables is from before
