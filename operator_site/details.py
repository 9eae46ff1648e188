"""The operator's details as every page, e-mail and structured data reads them: `current()`.

The record is one row, edited in admin; saving it bumps the content version (it is watched by
operator_site.pagecache), so every page is rendered again with the new details. The row is
kept in the cache under that version: a page rendered for the first time after a change reads
it once, and the pages rendered after that read none (a warm, stored page renders nothing).
"""

import logging

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError

from . import pagecache
from .models import OperatorDetails

logger = logging.getLogger(__name__)


def seeded():
    """The record as the first migrate creates it (OPERATOR_* variables, else the defaults);
    unsaved."""
    return OperatorDetails(pk=OperatorDetails.SINGLETON_ID, **settings.OPERATOR_SEED)


def current():
    """The operator's details now. Never fails: with the database unreachable (an error page
    is being shown) the seed values stand in, so that the page still gives a phone number."""
    try:
        return per_version("operator:details", OperatorDetails, _read)
    except DatabaseError:
        logger.warning("operator's details unreadable: the seed values are shown", exc_info=True)
        return seeded()


def _read():
    return OperatorDetails.objects.filter(pk=OperatorDetails.SINGLETON_ID).first() or seeded()


def per_version(name, kind, build):
    """`build()`'s value, kept in the cache under the content version: built again after
    every change of content. `kind`: the type a sound cached value has. A cache that is down
    or holds something else costs a `build()`, never an error."""
    key = f"{name}:{pagecache.content_version()}"
    try:
        value = cache.get(key)
    except Exception:
        logger.warning("%s unreadable in the cache", name, exc_info=True)
        value = None
    if not isinstance(value, kind):
        value = build()
        try:
            cache.set(key, value, pagecache.PAGE_TIMEOUT)
        except Exception:
            logger.warning("%s not stored in the cache", name, exc_info=True)
    return value
