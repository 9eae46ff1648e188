"""Site-wide request and response handling Django has no setting for: security headers, request
size limits, NUL characters in addresses."""

from urllib.parse import unquote_plus

from django.conf import settings
from django.core.exceptions import BadRequest


class SecurityHeadersMiddleware:
    """Permissions-Policy and Cross-Origin-Resource-Policy on every response (request size
    limits: operator_site/limits.py)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        response.headers.setdefault(
            "Cross-Origin-Resource-Policy", settings.CROSS_ORIGIN_RESOURCE_POLICY
        )
        return response


class RefuseNulMiddleware:
    """400 for a NUL character in the path or the query string, before any view reads it.

    PostgreSQL cannot store or compare text with NUL in it: `?status=%00` on an admin list, a
    search, a filter reached the database and ended in a DataError and a 500. No address of
    this site has a use for NUL; form fields refuse it already (Django's CharField validator).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        query = request.META.get("QUERY_STRING", "")
        if "\x00" in request.path or "\x00" in unquote_plus(query):
            raise BadRequest("NUL character in the address")
        return self.get_response(request)
