"""Site-wide response handling Django has no setting for: security headers and fast gzip."""

from django.conf import settings
from django.middleware.gzip import GZipMiddleware, re_accepts_gzip
from django.utils.cache import patch_vary_headers

from .compression import gzip_compress


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
