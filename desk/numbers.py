"""The numbers a small operator asks for: the funnel by status, conversion by lead source and
by trek, travellers (people) as well as requests, the median time to a first reply, by month.

Each table is one aggregate query over the period's requests (suspected spam left out), so the
page costs the same few queries for 100 requests or 100,000.
"""

import datetime
import statistics
from dataclasses import dataclass

from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncMonth
from django.utils.translation import gettext_lazy as _

from inquiries.models import Inquiry

WON = Q(status=Inquiry.Status.WON)


@dataclass
class Row:
    label: str
    requests: int
    travellers: int
    won: int = 0
    won_travellers: int = 0
    median_reply: datetime.timedelta | None = None

    @property
    def median_reply_hours(self):
        return hours(self.median_reply)

    @property
    def conversion(self):
        """Won requests per request, in percent (None without requests)."""
        return round(100 * self.won / self.requests, 1) if self.requests else None


def _counts(rows, key):
    return rows.values(key).annotate(
        requests=Count("id"),
        travellers=Sum("group_size"),
        won=Count("id", filter=WON),
        won_travellers=Sum("group_size", filter=WON, default=0),
    )


def period(start, end):
    """The requests received from `start` to `end` (Cusco dates, both included)."""
    return Inquiry.objects.not_spam().filter(
        received_at__date__gte=start, received_at__date__lte=end
    )


def funnel(rows):
    by_status = {r["status"]: r for r in _counts(rows, "status")}
    return [
        Row(
            label=str(status.label),
            requests=by_status.get(status.value, {}).get("requests", 0),
            travellers=by_status.get(status.value, {}).get("travellers") or 0,
        )
        for status in Inquiry.Status
    ]


def by_lead_source(rows):
    labels = dict(Inquiry.LeadSource.choices)
    return [
        Row(
            label=str(labels.get(r["lead_source"], r["lead_source"])),
            requests=r["requests"],
            travellers=r["travellers"] or 0,
            won=r["won"],
            won_travellers=r["won_travellers"],
        )
        for r in _counts(rows, "lead_source").order_by("-requests", "lead_source")
    ]


def by_trek(rows):
    return [
        Row(
            label=r["trek__name"] or str(_("(general request)")),
            requests=r["requests"],
            travellers=r["travellers"] or 0,
            won=r["won"],
            won_travellers=r["won_travellers"],
        )
        for r in _counts(rows, "trek__name").order_by("-requests", "trek__name")
    ]


def by_month(rows):
    """One row per Cusco month with requests, with the median time to the first reply."""
    months = {
        r["month"]: r
        for r in _counts(rows.annotate(month=TruncMonth("received_at")), "month").order_by("month")
    }
    waits = {}
    for month, received, replied in (
        rows.filter(first_reply_at__isnull=False)
        .annotate(month=TruncMonth("received_at"))
        .values_list("month", "received_at", "first_reply_at")
    ):
        waits.setdefault(month, []).append(replied - received)
    return [
        Row(
            label=month,
            requests=r["requests"],
            travellers=r["travellers"] or 0,
            won=r["won"],
            won_travellers=r["won_travellers"],
            median_reply=median(waits.get(month, [])),
        )
        for month, r in months.items()
    ]


def median(durations):
    return statistics.median(durations) if durations else None


def overall_median_reply(rows):
    """The period's median time to a first reply (over requests, not a median of months)."""
    waits = [
        replied - received
        for received, replied in rows.filter(first_reply_at__isnull=False).values_list(
            "received_at", "first_reply_at"
        )
    ]
    return median(waits)


def hours(duration):
    return None if duration is None else round(duration.total_seconds() / 3600, 1)
