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


@pytest.fixture(autouse=True)
def _empty_cache(settings):
    """Each test starts with an empty cache of its own, in memory."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "tests",
        }
    }
    # Cleared before each test rather than after: a test may leave a broken cache backend in
    # place until its settings are restored.
    cache.clear()
    clear_local_cache()
