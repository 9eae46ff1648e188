"""Who is asking: the client address behind trusted proxies, and the per-address rate limit."""

import ipaddress
import logging

from django.conf import settings
from django.core.cache import cache

logger = logging.getLogger(__name__)


def _parse_ip(value):
    try:
        return ipaddress.ip_address(value.strip())
    except ValueError:
        return None


def _is_trusted(address):
    return any(address in network for network in settings.TRUSTED_PROXIES)


def client_ip(request):
    """The address of the client that sent `request`.

    X-Forwarded-For is believed only when the connection comes from a configured trusted
    proxy (TRUSTED_PROXIES); then the header is read from the right, skipping further trusted
    proxies, and the first other address is the client. Anyone else's header is ignored, so a
    client cannot pick the address it is rate-limited under.
    """
    remote = _parse_ip(request.META.get("REMOTE_ADDR", ""))
    if remote is None:
        return None
    if not _is_trusted(remote):
        return str(remote)
    hops = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
    for hop in reversed(hops):
        address = _parse_ip(hop)
        if address is None:
            break  # garbage in the chain: stop believing it here
        if not _is_trusted(address):
            return str(address)
        remote = address
    return str(remote)


def rate_limit_exceeded(request, scope="inquiry"):
    """Count one attempt for the client; True when it went over INQUIRY_RATE_LIMIT.

    A fixed window on the shared cache (Redis in production), so all app servers count
    together. When the cache is down the request goes through: a lost request costs more than
    a few unthrottled ones.
    """
    limit = settings.INQUIRY_RATE_LIMIT
    if limit is None:
        return False
    allowed, period = limit
    key = f"ratelimit:{scope}:{client_ip(request) or 'unknown'}"
    try:
        cache.add(key, 0, timeout=period)
        count = cache.incr(key)
    except ValueError:
        # The key expired between add() and incr(): this is the first hit of a new window.
        cache.set(key, 1, timeout=period)
        count = 1
    except Exception:
        count = None
    if count is None:  # the cache is down (django-redis answers None then)
        logger.warning("rate limit cache unavailable; letting the request through")
        return False
    return count > allowed
