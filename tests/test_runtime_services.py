"""Tests that need PostgreSQL or Redis skip with the reason where it is missing, and fail under
CI=true, so that CI can never go green by skipping them."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REDIS_TEST = "tests/test_runtime_health_and_cache.py::test_the_redis_cache_stores_and_counts"


def _pytest_with_redis_missing(ci, data_dir):
    # SQLite under its own DATA_DIR: on PostgreSQL, or in this run's DATA_DIR, the nested run
    # would create and then delete this run's own test database.
    # PYTEST_*: under xdist this process is a worker (PYTEST_XDIST_WORKER...); the nested run
    # is a plain run of its own.
    drop = ("DATABASE_URL", "REDIS_URL", "CI", "CACHE_KEY_PREFIX")
    env = {k: v for k, v in os.environ.items() if k not in drop and not k.startswith("PYTEST_")}
    env.update(TEST_REDIS_URL="redis://127.0.0.1:1/0", CI=ci, DATA_DIR=str(data_dir))
    # --no-migrations: the nested run is about the skip or the failure, and pytest-django sets
    # up a database for every test; built from the models it takes a second, not ten.
    return subprocess.run(  # noqa: S603
        [
            sys.executable,
            "-m",
            "pytest",
            "-p",
            "no:cacheprovider",
            "--no-migrations",
            "-rs",
            REDIS_TEST,
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_a_redis_test_is_skipped_with_the_reason_where_redis_is_missing(tmp_path):
    result = _pytest_with_redis_missing(ci="", data_dir=tmp_path)
    assert result.returncode == 0, result.stdout
    assert "1 skipped" in result.stdout
    assert "Redis is not reachable" in result.stdout


def test_under_ci_a_missing_redis_fails_the_test(tmp_path):
    result = _pytest_with_redis_missing(ci="true", data_dir=tmp_path)
    assert result.returncode != 0
    assert "CI=true but Redis is not reachable" in result.stdout
