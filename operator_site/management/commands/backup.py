"""A consistent copy of the SQLite database, taken while the site is serving.

SQLite's online backup API copies the database page by page inside a read transaction, so the
copy is a snapshot of committed data even while gunicorn workers write (a plain `cp` of a WAL
database can miss what is still in the -wal file). PostgreSQL has its own tool: see README.md.
"""

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connections


class Command(BaseCommand):
    help = "Copy the SQLite database to DATA_DIR/backups/ (or --output) while the site runs."

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            type=Path,
            help="file to write (default: DATA_DIR/backups/db-<UTC time>.sqlite3)",
        )
        parser.add_argument("--database", default="default", help="database alias")

    def handle(self, *args, output=None, database="default", **options):
        connection = connections[database]
        if connection.vendor != "sqlite":
            raise CommandError(
                f"The {database!r} database is {connection.vendor}, not SQLite: back it up with "
                "pg_dump (README.md, 'Backups')."
            )
        if output is None:
            stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
            output = settings.DATA_DIR / "backups" / f"db-{stamp}.sqlite3"
        if output.exists():
            raise CommandError(f"{output} exists already; not overwriting it.")
        output.parent.mkdir(parents=True, exist_ok=True)

        connection.ensure_connection()
        target = sqlite3.connect(output)
        try:
            # pages=-1: the whole database in one step, so that no write slips in between.
            connection.connection.backup(target, pages=-1)
            check = target.execute("PRAGMA integrity_check").fetchone()[0]
        finally:
            target.close()
        if check != "ok":
            output.unlink(missing_ok=True)
            raise CommandError(f"The copy failed SQLite's integrity check: {check}")
        output.chmod(0o600)  # it holds travellers' requests
        self.stdout.write(f"Backed up the database to {output}")
