import pytest
from django.core.cache import cache

from treks.caching import clear_local_cache


@pytest.fixture(autouse=True)
def _isolated_storage(settings, tmp_path):
    """Uploads go to a throw-away folder, and static files need no collectstatic run."""
    settings.MEDIA_ROOT = tmp_path / "media"
    # An existing (empty) folder, so whitenoise does not warn on every request.
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STATIC_ROOT.mkdir()
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def staff_client(client, django_user_model):
    user = django_user_model.objects.create_superuser(
        "staff", "staff@example.com", "a-long-test-pass"
    )
    client.force_login(user)
    return client


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
    """Each test starts with an empty cache. On a shared Redis only this run's keys (those under
    CACHE_KEY_PREFIX) are deleted: FLUSHDB would wipe other checkouts' keys."""
    from django.conf import settings

    if settings.REDIS_URL:
        prefix = settings.CACHE_KEY_PREFIX
        if prefix:
            client = cache._cache.get_client(write=True)
            keys = list(client.scan_iter(match=f"{prefix}:*", count=1000))
            if keys:
                client.delete(*keys)
    else:
        cache.clear()
    # Each process's small in-memory copy in front of the shared cache (treks.caching).
    clear_local_cache()
    # And its rendered fresh request forms (inquiries.templatetags.inquiry_tags).
    from inquiries.templatetags.inquiry_tags import clear_form_cache

    clear_form_cache()


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
