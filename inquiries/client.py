"""The request form's rate limit, counted per client address (operator_site.client_ip)."""

from django.conf import settings

from operator_site import ratelimit
from operator_site.client_ip import client_ip


def rate_limit_exceeded(request, scope="inquiry"):
    """Count one attempt for the client; True when it went over INQUIRY_RATE_LIMIT.

    The counter is a database row (operator_site.ratelimit), which every app server shares on
    PostgreSQL and every worker shares on SQLite, updated in one atomic statement.
    """
    limit = settings.INQUIRY_RATE_LIMIT
    if limit is None:
        return False
    allowed, period = limit
    return ratelimit.hit(scope, client_ip(request) or "unknown", allowed=allowed, period=period)
