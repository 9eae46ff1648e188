"""Django's Redis cache, made to degrade instead of fail.

Every app server shares one Redis for the cache, rate limits and sessions, but Redis only ever
holds things that can be rebuilt. So when it is down or slow, a read is a miss and a write is
dropped (fail open): pages and the request form keep working, and /healthz reports the outage.
After a failure, one process skips Redis for a few seconds instead of paying a timeout on every
call; `ping()` bypasses that pause so that /healthz always tells the truth.
"""

import logging
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

# How long one process leaves Redis alone after an error.
PAUSE_SECONDS = 5.0


class DegradingRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._paused_until = 0.0

    def is_degraded(self):
        """True while this process is serving without Redis after an error."""
        return time.monotonic() < self._paused_until

    def ping(self):
        """True when Redis answers now; raises nothing."""
        try:
            return bool(self._cache.get_client(write=True).ping())
        except (RedisError, OSError):
            return False

    def _call(self, fallback, method, *args, **kwargs):
        if time.monotonic() < self._paused_until:
            return fallback
        try:
            return method(*args, **kwargs)
        except (RedisError, OSError) as error:
            self._paused_until = time.monotonic() + PAUSE_SECONDS
            # The error's class only: its text may carry the Redis URL and its password.
            logger.warning(
                "cache unavailable (%s); serving without it for %ss",
                type(error).__name__,
                PAUSE_SECONDS,
            )
            return fallback

    def get(self, key, default=None, version=None):
        return self._call(default, super().get, key, default, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call(None, super().set, key, value, timeout, version)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        # True: "stored", so that a caller counting with add + incr carries on as if first.
        return self._call(True, super().add, key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call(False, super().touch, key, timeout, version)

    def delete(self, key, version=None):
        return self._call(False, super().delete, key, version)

    def has_key(self, key, version=None):
        return self._call(False, super().has_key, key, version)

    def incr(self, key, delta=1, version=None):
        # With no counter to read, this is the first hit: rate limits fail open.
        return self._call(delta, super().incr, key, delta, version)

    def get_many(self, keys, version=None):
        return self._call({}, super().get_many, keys, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call(list(data), super().set_many, data, timeout, version)

    def delete_many(self, keys, version=None):
        return self._call(None, super().delete_many, keys, version)

    def clear(self):
        return self._call(False, super().clear)
