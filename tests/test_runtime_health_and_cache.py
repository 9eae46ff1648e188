"""/healthz, and a cache that degrades when Redis is away."""

import datetime
import secrets
from unittest import mock

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.conftest import redis_cache_settings
from tests.services import redis_url

pytestmark = pytest.mark.django_db

# Nothing listens here (a port in the range this checkout uses, never bound by the tests).
CLOSED_REDIS = "redis://:s3cret-pass@127.0.0.1:8299/0"


@pytest.fixture
def redis_down(settings):
    settings.REDIS_URL = CLOSED_REDIS
    settings.CACHES = redis_cache_settings(CLOSED_REDIS, "health")
    settings.SESSION_ENGINE = "operator_site.sessions"
    yield
    caches["default"].close()


def test_healthz_is_ok_when_the_database_answers(client, settings):
    settings.REDIS_URL = ""
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "disk": "ok"}
    assert "no-store" in response.headers["Cache-Control"]


def test_healthz_is_503_when_the_database_is_down(client, settings):
    settings.REDIS_URL = ""
    with mock.patch.object(connection, "cursor", side_effect=Exception("password=hunter2")):
        response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "down", "disk": "ok"}
    assert b"hunter2" not in response.content


@pytest.mark.django_db(transaction=True)
def test_healthz_is_503_when_the_database_answers_but_refuses_writes(client, settings):
    """A full disk or a read-only database still answers SELECT 1: /healthz writes too."""
    from operator_site.models import Heartbeat

    settings.REDIS_URL = ""
    read_only = {
        "sqlite": ("PRAGMA query_only = ON", "PRAGMA query_only = OFF"),
        "postgresql": (
            "SET default_transaction_read_only = on",
            "RESET default_transaction_read_only",
        ),
    }[connection.vendor]
    with connection.cursor() as cursor:
        cursor.execute(read_only[0])
    try:
        response = client.get(reverse("healthz"))
    finally:
        with connection.cursor() as cursor:
            cursor.execute(read_only[1])
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "unwritable", "disk": "ok"}
    assert client.get(reverse("healthz")).status_code == 200
    assert Heartbeat.objects.count() == 1  # the probe leaves one row, rewritten


def test_healthz_writes_at_most_every_few_seconds(client, settings):
    from operator_site import views
    from operator_site.models import Heartbeat

    settings.REDIS_URL = ""
    client.get(reverse("healthz"))
    first = Heartbeat.objects.get().beat_at
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("healthz")).status_code == 200
    assert Heartbeat.objects.get().beat_at == first
    assert not [q for q in queries if q["sql"].startswith("UPDATE")]
    Heartbeat.objects.update(beat_at=first - datetime.timedelta(seconds=views.HEARTBEAT_SECONDS))
    client.get(reverse("healthz"))
    assert Heartbeat.objects.get().beat_at > first


def test_healthz_is_503_when_the_data_folder_is_nearly_full(client, settings):
    import shutil

    settings.REDIS_URL = ""
    free_mb = shutil.disk_usage(settings.DATA_DIR).free // (1024 * 1024)
    settings.DATA_DIR_MIN_FREE_MB = free_mb + 10
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "ok", "disk": "full"}
    settings.DATA_DIR_MIN_FREE_MB = max(free_mb - 10, 0)
    assert client.get(reverse("healthz")).status_code == 200


def test_healthz_says_the_cache_is_down_but_keeps_the_server_in(client, redis_down):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json() == {
        "status": "degraded",
        "database": "ok",
        "disk": "ok",
        "cache": "down",
    }
    assert b"s3cret" not in response.content
    assert b"8299" not in response.content


def test_with_redis_down_pages_and_admin_login_keep_working(client, redis_down, django_user_model):
    from operator_site.second_factor import enrol

    maria = django_user_model.objects.create_superuser(
        "maria", "m@example.com", "lares-pass-4450-m"
    )
    _totp, codes = enrol(maria)
    assert client.get(reverse("home")).status_code == 200
    response = client.post(
        reverse("admin:login"),
        {
            "username": "maria",
            "password": "lares-pass-4450-m",
            "otp_token": codes[0],
            "next": reverse("admin:index"),
        },
    )
    assert response.status_code == 302
    # The session went to the database, so the next request is still logged in.
    assert client.get(reverse("admin:index")).status_code == 200


def test_a_cache_that_cannot_reach_redis_misses_instead_of_failing(redis_down):
    from django_redis import get_redis_connection

    cache = caches["default"]
    assert cache.get("k", "fallback") == "fallback"
    cache.set("k", 1)  # dropped, no error
    assert not cache.add("k", 1)
    assert cache.incr("counter", 3) is None  # the rate limit lets the request through
    assert cache.get_many(["a", "b"]) == {}
    assert not cache.has_key("k")
    assert not cache.delete("k")
    assert get_redis_connection("default").ping() is False


def test_after_one_failure_redis_is_left_alone_for_a_while(redis_down):
    from django_redis import get_redis_connection

    cache = caches["default"]
    cache.get("k")
    connection = get_redis_connection("default")
    with mock.patch.object(
        connection.connection_pool, "get_connection", side_effect=AssertionError("called")
    ) as get_connection:
        assert cache.get("k", "fallback") == "fallback"
        cache.set("k", 1)
    get_connection.assert_not_called()
    # /healthz asks Redis itself, pause or not.
    assert connection.ping() is False


def test_with_redis_down_the_rate_limit_lets_requests_through(client, redis_down):
    from tests.factories import inquiry_post_data

    for _ in range(3):
        response = client.post(reverse("inquiries:contact"), inquiry_post_data())
        assert response.status_code == 302


@pytest.mark.redis
def test_healthz_says_the_cache_is_ok_when_redis_answers(client, settings):
    settings.REDIS_URL = redis_url()
    settings.CACHES = redis_cache_settings(redis_url(), "health")
    try:
        response = client.get(reverse("healthz"))
    finally:
        caches["default"].close()
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "disk": "ok", "cache": "ok"}


@pytest.mark.redis
def test_the_redis_cache_stores_and_counts(settings):
    # A prefix of its own: other runs (another worker, another checkout) may share this Redis.
    prefix = f"prod-cache-test-{secrets.token_hex(4)}"
    settings.CACHES = redis_cache_settings(redis_url(), prefix)
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
