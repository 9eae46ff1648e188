"""The addresses visitors asked for that gave a 404, counted for staff (operator_site.models.
NotFoundPath): the old site's pages that still have visitors are the ones to redirect.

Only GET (a bot's POST is not a page someone looks for), never admin, static or media files, and
never a path longer than the list keeps. The list is bounded: at NOT_FOUND_MAX_PATHS rows a new
path first removes the least asked-for, oldest ones, so that strangers asking for made-up
addresses replace each other instead of growing it.
"""

import logging
import re

from django.conf import settings
from django.db import DatabaseError, IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from .models import NotFoundPath

logger = logging.getLogger(__name__)

MAX_PATHS = 1000
MAX_PATH_LENGTH = NotFoundPath._meta.get_field("path").max_length
# Staff pages in every language (/admin/, /es/admin/): their 404s are staff's own typos.
_STAFF = re.compile(r"^/(?:[a-z]{2}(?:-[a-z]+)?/)?admin(?:/|$)")


def worth_counting(request):
    path = request.path
    return (
        request.method == "GET"
        and len(path) <= MAX_PATH_LENGTH
        and not path.startswith((settings.STATIC_URL, settings.MEDIA_URL))
        and not _STAFF.match(path)
    )


def record(path):
    """One more visit to `path`: a conditional UPDATE of its row, else a new row (after making
    room). Several workers at once: the unique path makes the second INSERT fail, and it
    counts on the first's row instead."""
    now = timezone.now()
    if NotFoundPath.objects.filter(path=path).update(hits=F("hits") + 1, last_seen=now):
        return
    _make_room()
    try:
        with transaction.atomic():
            NotFoundPath.objects.create(path=path, first_seen=now, last_seen=now)
    except IntegrityError:
        NotFoundPath.objects.filter(path=path).update(hits=F("hits") + 1, last_seen=now)


def _make_room():
    extra = NotFoundPath.objects.count() - (MAX_PATHS - 1)
    if extra > 0:
        doomed = NotFoundPath.objects.order_by("hits", "last_seen").values_list("pk", flat=True)
        NotFoundPath.objects.filter(pk__in=list(doomed[:extra])).delete()


class NotFoundMiddleware:
    """Counts the 404s that are left after the redirects (RedirectFallbackMiddleware, below
    it) and before CommonMiddleware (above it) adds a missing slash."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code == 404 and worth_counting(request):
            try:
                record(request.path)
            except DatabaseError:  # the visitor's 404 page matters more than the count
                logger.warning("404 not counted", exc_info=True)
        return response
