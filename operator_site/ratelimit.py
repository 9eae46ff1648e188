"""Fixed-window rate limits counted in the database.

One row per (scope, client): its attempts and when its window ends. An attempt is one UPDATE
that either adds one or, once the window has ended, starts a new window at 1; both branches
read the row's old values, so the statement is atomic on its own (a client's first attempt
inserts the row instead). PostgreSQL holds the row lock
until the transaction commits, and SQLite takes the database's write lock at BEGIN (transaction
mode IMMEDIATE), so the count read back inside the same transaction is this attempt's own:
30 concurrent attempts against a limit of 10 let exactly 10 through, on one worker or many app
servers, whatever the cache is.

Why not the cache: Django's file cache (the default stack's) rewrites an entry's expiry on every
incr(), so a window never ended where it should, and its add()-then-incr() is not atomic across
processes. A database row gives one implementation for both stacks, and the limit keeps counting
when Redis is down.
"""

import datetime

from django.db import IntegrityError, transaction
from django.db.models import Case, F, Q, Value, When
from django.utils import timezone

from .models import RateLimitWindow


def now():
    """The clock of every window; tests move it instead of sleeping."""
    return timezone.now()


def hit(scope, key, *, allowed, period):
    """Count one attempt of `key` at `scope`; True when it is over `allowed` per `period`
    seconds. Refused attempts count too: a client that keeps trying stays refused until its
    window (started at its first attempt) ends."""
    moment = now()
    new_end = moment + datetime.timedelta(seconds=period)
    ended = Q(window_ends_at__lte=moment)
    window = RateLimitWindow.objects.filter(scope=scope, key=key)
    count = {
        "hits": Case(When(ended, then=Value(1)), default=F("hits") + 1),
        "window_ends_at": Case(When(ended, then=Value(new_end)), default=F("window_ends_at")),
    }
    with transaction.atomic():
        if not window.update(**count):
            try:
                with transaction.atomic():  # a savepoint: PostgreSQL goes on after a conflict
                    RateLimitWindow.objects.create(
                        scope=scope, key=key, hits=1, window_ends_at=new_end
                    )
            except IntegrityError:
                window.update(**count)  # another server's attempt created it meanwhile
            else:
                # Windows that have ended are of no use: each new client clears them away, so
                # the table holds about one row per client active in the last period.
                RateLimitWindow.objects.filter(window_ends_at__lt=moment).delete()
                return allowed < 1  # a first attempt is refused only by a limit of 0
        hits = window.values_list("hits", flat=True).get()
    return hits > allowed
