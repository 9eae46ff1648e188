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
