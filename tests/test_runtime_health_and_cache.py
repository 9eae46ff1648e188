"""/healthz, and a cache that degrades when Redis is away."""

import secrets
from unittest import mock

import pytest
from django.core.cache import caches
from django.db import connection
from django.urls import reverse

from tests.services import redis_url

pytestmark = pytest.mark.django_db

# Nothing listens here (a port in the range this checkout uses, never bound by the tests).
CLOSED_REDIS = "redis://:s3cret-pass@127.0.0.1:8299/0"


def _redis_cache_settings(location, prefix="health"):
    return {
        "default": {
            "BACKEND": "operator_site.cache.DegradingRedisCache",
            "LOCATION": location,
            "KEY_PREFIX": prefix,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }


@pytest.fixture
def redis_down(settings):
    settings.REDIS_URL = CLOSED_REDIS
    settings.CACHES = _redis_cache_settings(CLOSED_REDIS)
    settings.SESSION_ENGINE = "operator_site.sessions"
    yield
    caches["default"].close()


def test_healthz_is_ok_when_the_database_answers(client, settings):
    settings.REDIS_URL = ""
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}
    assert "no-store" in response.headers["Cache-Control"]


def test_healthz_is_503_when_the_database_is_down(client, settings):
    settings.REDIS_URL = ""
    with mock.patch.object(connection, "cursor", side_effect=Exception("password=hunter2")):
        response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "down"}
    assert b"hunter2" not in response.content


def test_healthz_says_the_cache_is_down_but_keeps_the_server_in(client, redis_down):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json() == {"status": "degraded", "database": "ok", "cache": "down"}
    assert b"s3cret" not in response.content
    assert b"8299" not in response.content


def test_with_redis_down_pages_and_admin_login_keep_working(client, redis_down, django_user_model):
    django_user_model.objects.create_superuser("maria", "m@example.com", "lares-pass-4450-m")
    assert client.get(reverse("home")).status_code == 200
    response = client.post(
        reverse("admin:login"),
        {"username": "maria", "password": "lares-pass-4450-m", "next": reverse("admin:index")},
    )
    assert response.status_code == 302
    # The session went to the database, so the next request is still logged in.
    assert client.get(reverse("admin:index")).status_code == 200


def test_a_cache_that_cannot_reach_redis_misses_instead_of_failing(redis_down):
    cache = caches["default"]
    assert cache.get("k", "fallback") == "fallback"
    cache.set("k", 1)
    assert cache.add("k", 1) is True
    assert cache.incr("counter", 3) == 3
    assert cache.get_many(["a", "b"]) == {}
    assert cache.has_key("k") is False
    assert cache.delete("k") is False
    assert cache.ping() is False


def test_after_one_failure_redis_is_left_alone_for_a_while(redis_down):
    cache = caches["default"]
    cache.get("k")
    with mock.patch.object(cache._cache, "get", side_effect=AssertionError("called")) as get:
        assert cache.get("k", "fallback") == "fallback"
    get.assert_not_called()


@pytest.mark.redis
def test_healthz_says_the_cache_is_ok_when_redis_answers(client, settings):
    settings.REDIS_URL = redis_url()
    settings.CACHES = _redis_cache_settings(redis_url())
    try:
        response = client.get(reverse("healthz"))
    finally:
        caches["default"].close()
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok"}


@pytest.mark.redis
def test_the_redis_cache_stores_and_counts(settings):
    # A prefix of its own: other runs (another worker, another checkout) may share this Redis.
    prefix = f"prod-cache-test-{secrets.token_hex(4)}"
    settings.CACHES = _redis_cache_settings(redis_url(), prefix=prefix)
    cache = caches["default"]
    try:
        cache.set("greeting", {"hola": 1}, 30)
        assert cache.get("greeting") == {"hola": 1}
        cache.add("hits", 0, 30)
        assert cache.incr("hits") == 1
        assert cache.incr("hits") == 2
    finally:
        cache.delete_many(["greeting", "hits"])
        cache.close()


def test_a_garbage_session_cookie_is_not_used_as_a_key(db):
    from operator_site.sessions import SessionStore

    assert SessionStore("A" * 5000).session_key is None
    assert SessionStore("../../etc/passwd").session_key is None
    real = SessionStore()
    real.create()
    assert SessionStore(real.session_key).session_key == real.session_key
