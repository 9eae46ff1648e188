"""The site's own settings, as the tests run them, plus one thing for pytest-xdist: each worker
(`make test` runs one per core) gets its own DATA_DIR (SQLite test database, file cache,
uploads) and its own cache-key prefix on a shared Redis, so that one worker's `cache.clear()`
or key sweep (tests/conftest.py) cannot empty the cache under another worker's test. Run
without xdist, this is operator_site.settings unchanged."""

import os
from pathlib import Path

_worker = os.environ.get("PYTEST_XDIST_WORKER")  # gw0, gw1...: set by xdist before Django loads
if _worker:
    _data_dir = os.environ.get("DATA_DIR") or str(Path(__file__).resolve().parents[1] / "var")
    os.environ["DATA_DIR"] = str(Path(_data_dir) / _worker)
    if os.environ.get("CACHE_KEY_PREFIX") or os.environ.get("REDIS_URL"):
        _prefix = os.environ.get("CACHE_KEY_PREFIX") or "test"
        os.environ["CACHE_KEY_PREFIX"] = f"{_prefix}_{_worker}"

from operator_site.settings import *  # noqa: E402, F403

# The hasher Django's documentation suggests for tests ("Speeding up the tests"): the default
# PBKDF2 takes about half a second a password on these machines, and the suite creates and
# logs in staff about a hundred times. The site's own settings keep Django's default; the
# servers of tests/load/ run with those, so real logins are tested with the real hasher.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
