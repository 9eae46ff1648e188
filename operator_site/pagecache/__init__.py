"""Public pages rendered once for everyone, served with each visitor's few values filled in.

A public page (a trek, a listing, the contact form) is the same for every visitor but for a few
values: the CSRF token and the request form's token. `serve()` renders the view's page once,
whole, with its ordinary template, where each such value is a *slot marker*; stores that HTML
under a key made of the page's name and variant, the language, the canonical host
(settings.SITE_URL, never the request's Host header), the content version and the release
(`version.py`), signed with SECRET_KEY; and fills the slots with this visitor's values in every
response. Pages that must not be stored (a form with errors, a message for the visitor, a
signed-in user, a POST) are rendered and filled by the same code.

The slot markers are derived from SECRET_KEY, and so is the key: a new SECRET_KEY never finds a
page stored with the old markers. Nothing is kept in one process's memory that another needs.
"""

import gzip
import hashlib
import logging

from django.conf import settings
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.middleware.gzip import re_accepts_gzip
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.crypto import salted_hmac
from django.utils.html import escape
from django.utils.translation import get_language

from . import compression
from .version import (  # noqa: F401  (the package's API: apps call pagecache.bump() etc.)
    VERSION_KEY,
    BumpOnActionsAdmin,
    _safely,
    bump,
    content_version,
    release,
    watch,
)

logger = logging.getLogger(__name__)

# Pages of older versions are never read again; they age out.
PAGE_TIMEOUT = 60 * 60 * 24

# Slot name -> function(request) giving this response's value. The CSRF token is built in;
# apps add theirs in AppConfig.ready() (inquiries: the form token), so that this package
# imports no app. Configuration, the same in every process, like signal receivers.
_slots = {"csrf_token": get_token}


def register_slot(name, value):
    """Pages get `marker(name)` as `name` in their context; `value(request)` fills it."""
    _slots[name] = value


def marker(name):
    """What a stored page holds in place of slot `name`. Derived from SECRET_KEY, so that no
    content can contain it; letters, digits and dashes only, so that escaping keeps it."""
    return f"slot-{name}-{salted_hmac('pagecache.slot', name).hexdigest()[:20]}"


def serve(request, render, *, name, variant="", store=True):
    """The response for a page. `render()` returns the view's (unrendered) TemplateResponse;
    `name` and `variant` say which page it is (`variant`: what of the address changes it, e.g.
    the normalised filters; None: never stored). `store=False` renders and fills only."""
    store = (
        store
        and variant is not None
        and request.method in ("GET", "HEAD")
        and not request.user.is_authenticated  # staff see drafts and their own name
        and not len(get_messages(request))
    )
    markers = {slot: marker(slot) for slot in _slots}
    key = etag = None
    if store:
        key = page_key(name, variant)
        # The page carries the visitor's CSRF token: a new CSRF cookie must not get a 304.
        csrf_cookie = request.COOKIES.get(settings.CSRF_COOKIE_NAME, "")
        digest = hashlib.sha256(f"{key}:{csrf_cookie}".encode()).hexdigest()[:32]
        etag = f'"{digest}"'
        not_modified = get_conditional_response(request, etag=etag)
        if not_modified is not None:
            return _headed(not_modified, etag)
        entry = _read(key)
        if entry is not None:
            return _filled(request, HttpResponse(), *entry, markers, etag)
    response = render()
    if getattr(response, "context_data", None) is None:  # a redirect, or no template
        return response
    response.context_data.update(markers)
    csrf_before = request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
    html = response.render().content  # bytes: stored and filled as they are sent
    if key and response.status_code == 200:
        if _per_visitor(request, csrf_before, html, markers):
            logger.error("%s has per-visitor content outside its slots: not stored", name)
            etag = None
        else:
            # A page with no slot is stored with its gzip: it is the same bytes for everyone.
            # A page with slots is stored with its pieces between the slots deflated, joined
            # around each visitor's values in every response (compression.py).
            if any(mark.encode() in html for mark in markers.values()):
                entry = (html, compression.pieces(html, markers))
            else:
                entry = (html, gzip.compress(html, compresslevel=9, mtime=0))
            _safely(cache.set, key, entry, PAGE_TIMEOUT)
            return _filled(request, response, *entry, markers, etag)
    return _filled(request, response, html, None, markers, etag)


def _filled(request, response, html, compressed, markers, etag):
    """The response with the slots filled. `compressed` is what was stored with the page: the
    gzip of a page with no slot (the same bytes for everyone, sent as they are), the deflated
    pieces between the slots of a page with slots (compression.py), or None (not stored:
    GZipMiddleware compresses it). GZipMiddleware leaves a response with a Content-Encoding
    alone."""
    values = {
        slot: escape(_slots[slot](request)).encode()
        for slot, mark in markers.items()
        if mark.encode() in html
    }
    patch_vary_headers(response, ("Accept-Encoding",))
    if compressed and re_accepts_gzip.search(request.headers.get("Accept-Encoding", "")):
        if isinstance(compressed, tuple):
            compressed = compression.gzipped(html, compressed, values)
        response.content = compressed
        response["Content-Encoding"] = "gzip"
        etag = etag and "W/" + etag  # another representation of the same page
    else:
        for slot, value in values.items():
            html = html.replace(markers[slot].encode(), value)
        response.content = html
    return _headed(response, etag)


def _headed(response, etag):
    if etag:
        response["ETag"] = etag
    # Browsers keep the page but ask each time; an unchanged page is a bodiless 304.
    patch_cache_control(response, private=True, no_cache=True)
    return response


def _per_visitor(request, csrf_before, html, markers):
    """Whether rendering used something of this visitor's outside the slots: a CSRF token asked
    for, a CSP nonce read, or a real token printed."""
    field = 'name="csrfmiddlewaretoken"'
    cookie = request.META.get("CSRF_COOKIE")
    return (
        request.META.get("CSRF_COOKIE_NEEDS_UPDATE") != csrf_before
        or getattr(request, "_csp_nonce", None) is not None  # django-csp's record of a read
        or html.count(field.encode())
        != html.count(f'{field} value="{markers["csrf_token"]}"'.encode())
        or bool(cookie and cookie.encode() in html)
    )


def page_key(name, variant=""):
    """The key of a page: an HMAC with SECRET_KEY (as the slot markers are), so that pages
    stored under another secret key, with other markers, are never read."""
    parts = (name, variant, get_language(), settings.SITE_URL, content_version(), release())
    return "pagecache:page:" + salted_hmac("pagecache.page", repr(parts)).hexdigest()[:32]


def _read(key):
    """The stored (html, its gzip or its deflated pieces), or None. An entry that cannot be read
    is deleted: it is rebuilt now."""
    try:
        entry = cache.get(key)
    except Exception:
        logger.warning("page cache entry unreadable; deleted", exc_info=True)
        entry = False
    if entry is None:
        return None
    if (
        type(entry) is tuple
        and len(entry) == 2
        and isinstance(entry[0], bytes)
        and (entry[1] is None or isinstance(entry[1], (bytes, tuple)))
    ):
        return entry
    _safely(cache.delete, key)
    return None
