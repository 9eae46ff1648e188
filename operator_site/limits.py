"""What a request may send: public requests a small form body and no files; staff in admin
their photo uploads. And a body that never arrives ends in the site's 400 page, not in a worker
held until gunicorn kills it."""

import logging

from django.conf import settings
from django.core.exceptions import BadRequest
from django.http import UnreadablePostError
from django.template.response import TemplateResponse
from django.urls import reverse

logger = logging.getLogger(__name__)


class RequestLimitsMiddleware:
    """Refuses, before anything reads the body:

    - a body over PUBLIC_MAX_REQUEST_BYTES (64 KB: the request form at its longest is about 60)
      from anyone but signed-in staff in admin, and over MAX_REQUEST_BYTES from them: 413;
    - any file part outside staff's admin: 400 (no public form takes a file).

    Each read of the body from the client's socket waits at most REQUEST_BODY_TIMEOUT seconds
    (gunicorn hands the socket over as `gunicorn.socket`): a Content-Length larger than the
    body sent then ends in the 400 page instead of a worker blocked until its timeout.

    After AuthenticationMiddleware (it asks who the user is) and before CsrfViewMiddleware,
    which is the first to read the form.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.admin_prefix = None

    def __call__(self, request):
        length = self._content_length(request)
        if length:
            staff = self._staff_upload(request)
            limit = settings.MAX_REQUEST_BYTES if staff else settings.PUBLIC_MAX_REQUEST_BYTES
            if length > limit:
                logger.warning("request refused: body of %d bytes over %d", length, limit)
                return self._page(request, "413.html", 413)
            client = request.META.get("gunicorn.socket")
            if client is not None:
                client.settimeout(settings.REQUEST_BODY_TIMEOUT)
            if not staff:
                self._read_public_body(request)
        return self.get_response(request)

    @staticmethod
    def _content_length(request):
        try:
            return max(int(request.META.get("CONTENT_LENGTH") or 0), 0)
        except ValueError:
            return 0  # Django reads no body then

    def _staff_upload(self, request):
        if self.admin_prefix is None:
            self.admin_prefix = reverse("admin:index")
        return request.path.startswith(self.admin_prefix) and request.user.is_staff

    @staticmethod
    def _read_public_body(request):
        """Read the (small) body now, so that a client that stops sending gets a 400 here,
        and refuse file parts before a view sees them."""
        try:
            request.body  # noqa: B018 - read and kept by Django for request.POST
            if request.content_type == "multipart/form-data" and request.FILES:
                raise BadRequest("a file part in a public request")
        except UnreadablePostError:
            logger.warning("request refused: the body did not arrive")
            raise BadRequest("the body did not arrive") from None

    @staticmethod
    def _page(request, template, status):
        response = TemplateResponse(request, template, status=status)
        response.render()
        return response
