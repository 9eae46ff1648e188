"""The SQLite database is readable by its owner only."""

import os
from pathlib import Path

from django.db.backends.signals import connection_created
from django.dispatch import receiver

PRIVATE_FILE = 0o600


@receiver(connection_created)
def sqlite_files_owner_only(sender, connection, **kwargs):
    """The database holds travellers' details and password hashes: mode 0600, not the 0644 a
    usual umask gives. SQLite creates its -wal and -shm files with the database file's mode,
    so fixing that one file (here, on each new connection, which also mends older installs)
    covers them; the two are set too in case they were made before this ran."""
    if connection.vendor != "sqlite":
        return
    name = str(connection.settings_dict["NAME"])
    if not name or name == ":memory:" or name.startswith("file:"):
        return
    for path in (Path(name), Path(f"{name}-wal"), Path(f"{name}-shm")):
        try:
            if path.stat().st_mode & 0o777 != PRIVATE_FILE:
                os.chmod(path, PRIVATE_FILE)
        except FileNotFoundError:
            continue
