"""Site-wide request and response handling Django has no setting for: security headers, request
size limits, NUL characters in addresses."""

from urllib.parse import unquote_plus

from django.conf import settings
from django.contrib.admin.options import TO_FIELD_VAR
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


ADMIN_PATHS = ("/admin/", "/es/admin/")


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
        # Django admin's own `?_to_field=` left empty is looked up as a field named "" and ends
        # in a 500 (FieldDoesNotExist) on every object page; no link of admin's sends it empty.
        if request.GET.get(TO_FIELD_VAR) == "" and request.path.startswith(ADMIN_PATHS):
            raise BadRequest("empty _to_field")
        # Its date hierarchy reads ?<field>__year= with int() and catches ValueError, but a
        # year of 30 digits overflows datetime (OverflowError): a 500 on every dated list.
        if request.path.startswith(ADMIN_PATHS) and any(
            key.endswith(("__year", "__month", "__day")) and len(value) > 4
            for key, value in request.GET.items()
        ):
            raise BadRequest("date hierarchy value too long")
        return self.get_response(request)
