"""Caching of what every visitor sees alike: trek content and listings.

Keys carry a catalogue-wide *version* that the signal handlers in `treks.signals` bump on every
save or delete of a catalogue row, and trek pages also key on the trek's `updated_at`. An edit in
admin therefore changes the key at once, and nothing waits for a timeout to go stale. Only
visitor-independent HTML and data are stored: never a CSRF token, a form or a message.

The cache is a help, never a dependency: if it fails (Redis down), pages are built uncached.
"""

import functools
import hashlib
import logging
import time

from django.conf import settings
from django.core.cache import cache
from django.core.cache.backends.locmem import LocMemCache
from django.db import transaction

from operator_site.compression import CompressedAround

logger = logging.getLogger(__name__)

VERSION_KEY = "treks:catalogue-version"
# Entries are also dropped after a day so that a cache with no memory limit cannot only grow.
TIMEOUT = 60 * 60 * 24

# A small per-process copy in front of the shared cache, for the entries (pages of tens of KB)
# read on every request. It can never serve stale content: every key carries the catalogue
# version, read from the shared cache on each request, and the release hash. Workers differ only
# in what they hold, never in what they answer.
_local = LocMemCache("treks-local", {"TIMEOUT": TIMEOUT, "OPTIONS": {"MAX_ENTRIES": 500}})


def clear_local_cache():
    """For tests: forget this process's copies."""
    _local.clear()


def _cache_is_degraded():
    """True while a degrading cache (operator_site.cache, Redis) is serving without its server."""
    is_degraded = getattr(cache, "is_degraded", None)
    return bool(is_degraded and is_degraded())


# A bump this process could not write (the cache was down): written as soon as it is back, so
# an edit made during the outage does not leave pages cached before it in place for a day.
_bump_pending = False


def catalogue_version():
    """The catalogue version: when the catalogue last changed, in ns since the epoch (a string);
    None when the cache is unavailable, and then nothing is cached."""
    global _bump_pending
    if _bump_pending and not _cache_is_degraded():
        _bump_pending = False
        _set_new_version()
    try:
        version = cache.get(VERSION_KEY)
        if version is None and _cache_is_degraded():
            return None
        if version is None:
            version = str(time.time_ns())
            # add(): if another worker created one meanwhile, theirs wins.
            if not cache.add(VERSION_KEY, version, timeout=None):
                version = cache.get(VERSION_KEY) or version
        return version
    except Exception:
        logger.warning("cache unavailable; catalogue version not read", exc_info=True)
        return None


def bump_catalogue_version():
    """Make every cached catalogue entry unreachable (they age out by TIMEOUT).

    Bumped at once, and again when the transaction commits: a page rendered in between read
    the rows as they were before the change and was cached under the first new version.
    """
    _set_new_version()
    transaction.on_commit(_set_new_version)


def _set_new_version():
    global _bump_pending
    try:
        cache.set(VERSION_KEY, str(time.time_ns()), timeout=None)
    except Exception:
        logger.warning("cache unavailable; catalogue version not bumped", exc_info=True)
        _bump_pending = True
        return
    if _cache_is_degraded():  # the degrading cache dropped the write without raising
        logger.warning("cache unavailable; catalogue version bump kept for when it is back")
        _bump_pending = True


# What cached HTML is made from besides the catalogue: code, templates and the static files
# manifest (hashed file names). A deploy that changes any of them must not be served old HTML.
_RELEASE_DIRS = ("operator_site", "treks", "inquiries", "templates")
_RELEASE_SUFFIXES = {".py", ".html", ".txt"}


@functools.cache
def release():
    """A short hash of the files cached pages are rendered from; the same on every server that
    runs the same code. Read once per process."""
    digest = hashlib.sha256()
    for folder in _RELEASE_DIRS:
        for path in sorted((settings.BASE_DIR / folder).rglob("*")):
            if path.suffix in _RELEASE_SUFFIXES and path.is_file():
                digest.update(str(path.relative_to(settings.BASE_DIR)).encode())
                digest.update(path.read_bytes())
    manifest = settings.STATIC_ROOT / "staticfiles.json"
    if manifest.is_file():
        digest.update(manifest.read_bytes())
    return digest.hexdigest()[:12]


def cached(key, build):
    """`build()`'s result under `key`; built each time when the cache is down or key is None."""
    if key is None:
        return build()
    key = f"{key}:{release()}"
    value = _local.get(key)
    if value is not None:
        return value
    try:
        value = cache.get(key)
    except Exception:
        logger.warning("cache unavailable; %s built uncached", key, exc_info=True)
        return build()
    if value is None:
        value = build()
        if value is None:  # nothing found: not worth a write
            return value
        try:
            cache.set(key, value, TIMEOUT)
        except Exception:
            logger.warning("cache unavailable; %s not stored", key, exc_info=True)
            return value
    _local.set(key, value)
    return value


def rendered_per_visitor(request, csrf_before, html):
    """Whether a render touched something of this visitor's (a CSRF token, a CSP nonce), so
    that its HTML must not be shared. `csrf_before` is the request's CSRF_COOKIE_NEEDS_UPDATE
    before rendering."""
    return (
        request.META.get("CSRF_COOKIE_NEEDS_UPDATE") != csrf_before
        or getattr(request, "_csp_nonce", None) is not None
        or "csrfmiddlewaretoken" in html
    )


def shared_page(request, name, render, variant=""):
    """A whole page that is the same for every visitor (a listing: no form that posts, nothing
    about the user), cached per catalogue version, address and `variant`.

    `variant` is the normalised form of whatever query parameters change the page (the
    catalogue's filters), or None to render without caching; other parameters (?utm_source=)
    share the plain page, so that made-up query strings cannot fill the cache. `render()`
    returns the view's TemplateResponse. Staff's pages, pages carrying a message for the
    visitor, and anything but a 200 that touched nothing per visitor are rendered each time and
    never stored.
    """
    from django.contrib.messages import get_messages
    from django.utils.translation import get_language

    version = catalogue_version()
    if variant is None or version is None or request.user.is_staff or len(get_messages(request)):
        return render()
    address = f"{request.scheme}://{request.get_host()}{request.path}?{variant}"
    digest = hashlib.sha256(address.encode()).hexdigest()[:24]
    key = f"treks:shared-page:{name}:{get_language()}:{digest}:{version}"
    fresh = {}

    def build():
        csrf_before = request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        response = fresh["response"] = render()
        html = response.rendered_content
        if response.status_code != 200 or rendered_per_visitor(request, csrf_before, html):
            return None  # not stored; this request gets its own response below
        # Stored as bytes with their gzip made once: responses need not compress it again.
        return CompressedAround.whole(html)

    page = cached(key, build)
    return fresh["response"] if page is None else page.response()
