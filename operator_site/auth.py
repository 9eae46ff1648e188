"""Login lockout for staff, through django-axes."""

from axes.backends import AxesStandaloneBackend


class LockoutBackend(AxesStandaloneBackend):
    """django-axes' check, which needs the request to know the address. A login without a
    request (Django's test client `login()`, a script calling `authenticate()`) comes from no
    address that could be locked out, so it is left to the next backend instead of failing."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def lockout_username(request, credentials):
    """The user name django-axes counts failures under: what was typed, cut to the length of
    a Django user name, without NUL characters. Without this a 10,000-character or NUL-laden
    "user name" posted to the login form reached the database as is, and PostgreSQL refused it
    with a 500 (SQLite stored it silently)."""
    if credentials:
        value = credentials.get("username")
    else:
        value = getattr(request, "POST", {}).get("username")
    return str(value or "").replace("\x00", "")[:150]
