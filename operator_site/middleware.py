"""Site-wide response handling Django has no setting for: security headers and request size
limits."""

from django.conf import settings
from django.template.response import TemplateResponse


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
