"""The one thing django-redis lacks for a cache that degrades instead of failing.

django-redis with IGNORE_EXCEPTIONS (settings.CACHES) turns a Redis error into a miss or a
dropped write, so pages, rate limits and sessions keep working while Redis is away. But it tries
Redis again on every call, and each try of an unanswering Redis costs up to a socket timeout.
So after an error this process leaves Redis alone for PAUSE_SECONDS; `ping()` asks Redis
itself, so that /healthz always tells the truth.
"""

import logging
import time

import redis

logger = logging.getLogger(__name__)

# How long one process leaves Redis alone after an error.
PAUSE_SECONDS = 5.0


class PausingRedis(redis.Redis):
    """django-redis's REDIS_CLIENT_CLASS: one per process and server, so the pause is too."""

    paused_until = 0.0

    def execute_command(self, *args, **options):
        if time.monotonic() < self.paused_until:
            raise redis.ConnectionError("Redis left alone after an error")
        try:
            return super().execute_command(*args, **options)
        except (redis.ConnectionError, redis.TimeoutError, OSError) as error:
            self.paused_until = time.monotonic() + PAUSE_SECONDS
            # The error's class only: its text may carry the Redis URL and its password.
            logger.warning(
                "cache unavailable (%s); serving without it for %ss",
                type(error).__name__,
                PAUSE_SECONDS,
            )
            raise

    def ping(self, **kwargs):
        """True when Redis answers now, pause or not; raises nothing."""
        try:
            return bool(super().execute_command("PING", **kwargs))
        except (redis.RedisError, OSError):
            return False
