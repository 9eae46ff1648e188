"""Sessions cached in Redis and kept in the database (SESSION_ENGINE when REDIS_URL is set)."""

from django.contrib.sessions.backends import cached_db


class SessionStore(cached_db.SessionStore):
    """Django's cached_db store, which also refuses a session cookie that is not shaped like a
    session key before using it as a cache key: a 5,000-character garbage cookie would
    otherwise become a 5,000-character Redis key (and a warning) on every request."""

    def _validate_session_key(self, key):
        return bool(key) and 8 <= len(key) <= 40 and key.isalnum()
