import os
import subprocess
import sys

import pytest

from tests.load.harness import ROOT, Site, _clean_environ
from tests.services import postgres_url, redis_url, require


@pytest.fixture
def report(request):
    """Write a measured figure into the run's summary (rows stored / requests answered...).
    Carried on the test's report, so that under xdist it reaches the controlling process,
    which prints it (tests/conftest.py)."""

    def write(line):
        request.node.user_properties.append(("load report", f"{request.node.name}: {line}"))

    return write


@pytest.fixture(scope="session")
def static_root(tmp_path_factory):
    """collectstatic once per run (hashed, compressed files, as `make run` serves them)."""
    data_dir = tmp_path_factory.mktemp("static-site")
    env = {
        **_clean_environ(),
        "DJANGO_SECRET_KEY": "collectstatic-only-" + "x" * 40,
        "DATA_DIR": str(data_dir),
    }
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=300,
    )
    return data_dir / "static"


@pytest.fixture
def sqlite_site(tmp_path, static_root):
    """`make run`'s configuration: SQLite under DATA_DIR, no Redis."""
    site = Site.create(tmp_path / "site", static_root)
    yield site
    site.destroy()


@pytest.fixture(scope="module")
def shared_site(tmp_path_factory, static_root):
    """Several app servers' configuration: one PostgreSQL database and one Redis (one per test
    module: creating a database and migrating it takes a few seconds)."""
    # A module-scoped fixture runs before the per-test marker check: check here too.
    require("postgres")
    require("redis")
    site = Site.create(
        tmp_path_factory.mktemp("shared-site"),
        static_root,
        postgres_url=postgres_url(),
        redis_url=redis_url(),
    )
    yield site
    site.destroy()


def pytest_collection_modifyitems(items):
    here = os.path.dirname(__file__)
    for item in items:
        if str(item.fspath).startswith(here):
            item.add_marker(pytest.mark.slow)
            # Under xdist (`--dist loadgroup`) each load test module runs on one worker (its
            # module-scoped site and servers are made once); the modules spread over the
            # workers. Servers cannot collide: each is bound to a socket its test owns
            # (harness.py, "Ports").
            item.add_marker(pytest.mark.xdist_group(f"load:{item.module.__name__}"))
