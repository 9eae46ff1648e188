"""Where the real PostgreSQL and Redis of the tests are, and whether they answer."""

import os

import pytest
from django.conf import settings

DEFAULT_POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/operator_site"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"


def postgres_url():
    """A PostgreSQL URL whose database name is the prefix for the databases tests create."""
    url = os.environ.get("TEST_POSTGRES_URL")
    if not url and settings.DATABASE_URL.startswith(("postgres://", "postgresql://")):
        url = settings.DATABASE_URL
    return url or DEFAULT_POSTGRES_URL


def redis_url():
    return os.environ.get("TEST_REDIS_URL") or settings.REDIS_URL or DEFAULT_REDIS_URL


def postgres_problem():
    import dj_database_url
    import psycopg

    params = dj_database_url.parse(postgres_url())
    try:
        with psycopg.connect(
            host=params["HOST"] or "127.0.0.1",
            port=params["PORT"] or 5432,
            user=params["USER"] or "postgres",
            password=params["PASSWORD"] or None,
            dbname="postgres",
            connect_timeout=3,
        ):
            return None
    except psycopg.Error as error:
        return f"PostgreSQL is not reachable at {params['HOST']}:{params['PORT']} ({error})"


def redis_problem():
    import redis

    try:
        redis.Redis.from_url(redis_url(), socket_connect_timeout=2).ping()
    except (redis.RedisError, OSError) as error:
        return f"Redis is not reachable ({type(error).__name__}: {error})"
    return None


_problems = {}


def require(name):
    """Skip the calling test (or fixture) with the reason when `name` ("postgres" or "redis")
    cannot be reached; under CI=true fail instead, so that CI never goes green by skipping."""
    if name not in _problems:
        _problems[name] = {"postgres": postgres_problem, "redis": redis_problem}[name]()
    problem = _problems[name]
    if problem is None:
        return
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(f"CI=true but {problem}")
    pytest.skip(problem)


def empty_cache():
    """Empty this run's cache. On Redis only the keys under CACHE_KEY_PREFIX go: django-redis's
    `cache.clear()` is FLUSHDB, which would wipe the other xdist worker's keys too (its content
    version vanished between a cold and a warm request, and its warm page ran a query)."""
    from django.core.cache import cache, caches

    if settings.REDIS_URL and settings.CACHE_KEY_PREFIX:
        from django_redis import get_redis_connection

        client = get_redis_connection("default")
        keys = list(client.scan_iter(match=f"{settings.CACHE_KEY_PREFIX}:*", count=1000))
        if keys:
            client.delete(*keys)
    else:
        cache.clear()
    caches["fragments"].clear()
