"""Site-wide response handling Django has no setting for: security headers, request size
limits, and fast gzip."""

from urllib.parse import unquote_plus

from django.conf import settings
from django.core.exceptions import BadRequest
from django.middleware.gzip import GZipMiddleware, re_accepts_gzip
from django.template.response import TemplateResponse
from django.utils.cache import patch_vary_headers

from .compression import gzip_compress


class SecurityHeadersMiddleware:
    """Permissions-Policy and Cross-Origin-Resource-Policy on every response, and a 413 for a
    request body larger than MAX_REQUEST_BYTES, refused before anything reads it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self._too_large(request):
            response = TemplateResponse(request, "413.html", status=413)
            response.render()
        else:
            response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        response.headers.setdefault(
            "Cross-Origin-Resource-Policy", settings.CROSS_ORIGIN_RESOURCE_POLICY
        )
        return response

    @staticmethod
    def _too_large(request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return False  # Django's own body limits still apply while it reads.
        return length > settings.MAX_REQUEST_BYTES


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


class FastGZipMiddleware(GZipMiddleware):
    """Django's GZipMiddleware (same BREACH padding, same Vary and weak ETag), at zlib level 1
    for ordinary responses, and using the parts compressed ahead that a response may carry
    (`response.compressed_around`, see operator_site.compression); streaming responses go
    through Django's unchanged."""

    def process_response(self, request, response):
        if (
            response.streaming
            or len(response.content) < 200
            or response.has_header("Content-Encoding")
        ):
            return super().process_response(request, response)
        patch_vary_headers(response, ("Accept-Encoding",))
        if not re_accepts_gzip.search(request.META.get("HTTP_ACCEPT_ENCODING", "")):
            return response
        content = response.content
        around = getattr(response, "compressed_around", None)
        compressed = around.gzip(content, self.max_random_bytes) if around else None
        if compressed is None:
            compressed = gzip_compress(content, self.max_random_bytes)
        if len(compressed) >= len(content):
            return response
        response.content = compressed
        response.headers["Content-Length"] = str(len(compressed))
        etag = response.get("ETag")
        if etag and etag.startswith('"'):
            response.headers["ETag"] = "W/" + etag
        response.headers["Content-Encoding"] = "gzip"
        return response
