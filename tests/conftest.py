import pytest
from django.core.cache import cache

from tests.services import empty_cache


def isolated_storage_settings(folder):
    """Uploads go to a throw-away folder, and static files need no collectstatic run."""
    from django.conf import settings

    # An existing (empty) folder, so whitenoise does not warn on every request.
    (folder / "static").mkdir()
    return {
        "MEDIA_ROOT": folder / "media",
        "STATIC_ROOT": folder / "static",
        "STORAGES": {
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        },
        # Canonical links come from SITE_URL (pages are cached for every host alike): the
        # test client's host.
        "SITE_URL": "http://testserver",
    }


@pytest.fixture(autouse=True)
def _isolated_storage(settings, tmp_path):
    for name, value in isolated_storage_settings(tmp_path).items():
        setattr(settings, name, value)


def _restore_staff_roles(sender, apps=None, **kwargs):
    if sender.label == "operator_site":
        from django.apps import apps as installed

        from operator_site import roles

        roles.apply(apps or installed)  # flush sends no `apps`: the installed ones
    if sender.label == "trip_messages":
        from django.apps import apps as installed

        from trip_messages import defaults

        defaults.install(apps or installed)  # the default texts, a data migration's too


@pytest.fixture(scope="session", autouse=True)
def _staff_roles_survive_flushes():
    """The Sales and Content groups are data migrations made (operator_site.roles), and a test with
    `transaction=True` (the browser tests', the live server's) ends by emptying every table.
    The flush then sends post_migrate, as migrate does, and here the roles are made again,
    so that a test needing them passes whatever ran before it on this worker."""
    from django.db.models.signals import post_migrate

    post_migrate.connect(_restore_staff_roles, dispatch_uid="tests.restore_staff_roles")
    yield
    post_migrate.disconnect(dispatch_uid="tests.restore_staff_roles")


@pytest.fixture(autouse=True)
def _english_outside_requests():
    """Each test starts in English, as management commands and the shell do. A request to a
    Spanish page activates Spanish in the test's thread (LocaleMiddleware leaves it on), and a
    factory called after it would write the Spanish columns (name_es) instead of the English."""
    from django.utils import translation

    translation.activate("en")
    yield
    translation.activate("en")


@pytest.fixture
def staff_client(client, django_user_model):
    user = django_user_model.objects.create_superuser(
        "staff", "staff@example.com", "a-long-test-pass"
    )
    verified_login(client, user)
    return client


def verified_login(client, user):
    """`client.force_login(user)`, in a session that has passed the second factor, as after a
    real admin login with a code (superusers need one: operator_site/second_factor.py)."""
    from django_otp import DEVICE_ID_SESSION_KEY

    from operator_site.second_factor import enrol

    totp, _codes = enrol(user)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = totp.persistent_id
    session.save()


def redis_cache_settings(location, prefix):
    """CACHES as settings.py builds them for REDIS_URL, pointed at `location` under `prefix`."""
    return {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": location,
            "KEY_PREFIX": prefix,
            "OPTIONS": {
                "IGNORE_EXCEPTIONS": True,
                "REDIS_CLIENT_CLASS": "operator_site.cache.PausingRedis",
                "SOCKET_CONNECT_TIMEOUT": 0.5,
                "SOCKET_TIMEOUT": 0.5,
            },
        }
    }


# --- Real services ------------------------------------------------------------------------------
# Tests marked `postgres` or `redis` talk to the real servers (TEST_POSTGRES_URL, TEST_REDIS_URL;
# the Makefile sets both). Where a server cannot be reached they are skipped with the reason,
# except under CI=true, where a missing service is a failure: CI must not go green by skipping.


@pytest.fixture(autouse=True)
def _needs_services(request):
    from tests.services import require

    for name in ("postgres", "redis"):
        if request.node.get_closest_marker(name) is not None:
            require(name)


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache (on a shared Redis, only this run's keys)."""
    empty_cache()


# --- What `make test-postgres` runs again ------------------------------------------------------
# Every test that touches the site's database (pytest-django's `django_db` marker, or a fixture
# that needs `db`: `client` with a factory, `staff_client`, `live_server`...) is marked
# `database` here, so that `make test-postgres` (`-m "database and not once"`) runs it again on
# PostgreSQL and Redis. A test whose result cannot depend on that is marked `once`: the browser
# tests (tests/browser/conftest.py), the Nu checker, makemessages. A test that depends on the
# configured cache without touching the database: mark it `database` by hand.

_USES_THE_DATABASE = {"_django_db_helper", "transactional_db", "db", "live_server"}


def pytest_collection_modifyitems(items):
    for item in items:
        if item.get_closest_marker("django_db") or _USES_THE_DATABASE & set(item.fixturenames):
            item.add_marker(pytest.mark.database)


# --- The load tests' figures ---------------------------------------------------------------------
# Here and not in tests/load/conftest.py: under pytest-xdist only this conftest is loaded by the
# process that prints the summary; the figures come from the workers on each test's report.
_load_report = []


def pytest_runtest_logreport(report):
    if report.when == "call":
        _load_report.extend(v for name, v in report.user_properties if name == "load report")


def pytest_terminal_summary(terminalreporter):
    if _load_report:
        terminalreporter.section("load tests: what was measured")
        for line in _load_report:
            terminalreporter.write_line(line)


@pytest.fixture
def stored_page_keys(monkeypatch):
    """The keys of the pages the page cache stores from now on (tests of what strangers can
    make it store)."""

    keys = []
    real_set = cache.set

    def spy(key, value, *args, **kwargs):
        if key.startswith("pagecache:page:"):
            keys.append(key)
        return real_set(key, value, *args, **kwargs)

    monkeypatch.setattr(cache, "set", spy)
    return keys
