"""When each traveller message goes, and the step that writes it into the outbox.

`plan()` runs in the booking's transaction (post_save of a new booking) and stores one
TripMessage per kind; `replan()` moves the ones still planned when the booking's dates change.
`queue_due()` runs at the start of every `send_outbox` (outbox.signals.sending): each due row
is taken with one conditional UPDATE (`status = 'queued' WHERE status = 'planned'`), the first
statement of its own transaction, so that of two servers running at once one takes it and the
other's UPDATE matches nothing (PostgreSQL makes the second wait for the first's row lock,
then re-checks the condition on the committed row; SQLite serialises the transactions). The
e-mail is written and queued in that same transaction, or the row is skipped with its reason.
"""

import datetime
import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from bookings.models import LIVE_STATUSES, Booking
from desk import history
from desk.models import EventKind
from inquiries.validators import mail_address
from outbox import mail as outbox
from outbox.models import Kind as OutboxKind
from outbox.models import Message

from . import texts
from .models import CHANGE_KINDS, DepartureChange, Kind, Timing, TripMessage

logger = logging.getLogger(__name__)

# The scheduled messages of a day arrive in the morning in Cusco, not at midnight.
SEND_AT = datetime.time(9, 0)


def _at(day, time=datetime.time()):
    return timezone.make_aware(
        datetime.datetime.combine(day, time), timezone.get_default_timezone()
    )


def moments(booking, kind, *, timing, now):
    """(due, stale) for a booking's message of `kind`: not before `due`, skipped after `stale`."""
    late = datetime.timedelta(hours=timing.late_after_hours)
    created = booking.created_at
    trip_starts = _at(booking.start_date)
    if kind == Kind.CONFIRMATION:
        return created, min(created + late, trip_starts)
    if kind == Kind.BALANCE_REMINDER:
        moment = _at(
            booking.balance_due_date - datetime.timedelta(days=timing.balance_reminder_days),
            SEND_AT,
        )
        due = max(moment, created)  # booked later than that: at once
        return due, min(due + late, _at(booking.balance_due_date + datetime.timedelta(days=1)))
    if kind == Kind.PRE_TRIP:
        moment = _at(booking.start_date - datetime.timedelta(days=timing.pre_trip_days), SEND_AT)
        due = max(moment, created)
        # Never after the start: the traveller is on the trail by then.
        return due, min(due + late, trip_starts)
    if kind == Kind.REVIEW_REQUEST:
        due = _at(booking.end_date + datetime.timedelta(days=1), SEND_AT)
        return due, due + late
    # A change of the departure: at once, and not after the (new) start.
    return now, max(min(now + late, trip_starts), now)


SCHEDULED = (Kind.CONFIRMATION, Kind.BALANCE_REMINDER, Kind.PRE_TRIP, Kind.REVIEW_REQUEST)


def plan(booking, *, now=None):
    """Store the booking's scheduled messages (once: the unique constraint keeps a second call
    from adding any)."""
    now = now or timezone.now()
    timing = Timing.current()
    rows = []
    for kind in SCHEDULED:
        due, stale = moments(booking, kind, timing=timing, now=now)
        rows.append(TripMessage(booking=booking, kind=kind, due_at=due, stale_at=stale))
    TripMessage.objects.bulk_create(rows, ignore_conflicts=True)


def replan(booking, *, now=None):
    """Move the still planned messages after a change of the booking's dates."""
    now = now or timezone.now()
    timing = Timing.current()
    for row in booking.trip_messages.filter(status=TripMessage.Status.PLANNED, kind__in=SCHEDULED):
        due, stale = moments(booking, row.kind, timing=timing, now=now)
        if (due, stale) != (row.due_at, row.stale_at):
            TripMessage.objects.filter(pk=row.pk, status=TripMessage.Status.PLANNED).update(
                due_at=due, stale_at=stale
            )


def tell_of_change(*, departure, cancelled, old_start_date, actor, now=None):
    """A departure cancelled or moved by staff: one message per live booking, at once,
    for this change (called in the transaction that made the change)."""
    now = now or timezone.now()
    change = DepartureChange.objects.create(
        departure=departure,
        cancelled=cancelled,
        old_start_date=old_start_date,
        new_start_date=departure.start_date,
        by=actor if actor is not None and actor.is_authenticated else None,
    )
    kind = Kind.DEPARTURE_CANCELLED if cancelled else Kind.DEPARTURE_MOVED
    timing = Timing.current()
    bookings = Booking.objects.filter(departure=departure, status__in=LIVE_STATUSES)
    rows = []
    for booking in bookings:
        due, stale = moments(booking, kind, timing=timing, now=now)
        rows.append(
            TripMessage(booking=booking, kind=kind, change=change, due_at=due, stale_at=stale)
        )
    TripMessage.objects.bulk_create(rows, ignore_conflicts=True)
    return change


def withheld_reason(row, *, now):
    """Why this message must not go (a sentence for staff), or "" when it may."""
    booking = row.booking
    if not row.enabled:
        return _("switched off by staff")
    if booking.status == Booking.Status.CANCELLED:
        return _("the booking is cancelled")
    if row.kind not in CHANGE_KINDS and booking.departure_id and booking.departure.is_cancelled:
        return _("the departure is cancelled")
    if now > row.stale_at:
        if row.kind == Kind.PRE_TRIP and now >= _at(booking.start_date):
            return _("too late: the trip had started")
        return _("too late: its moment had passed by more than %(hours)d hours") % {
            "hours": Timing.current().late_after_hours
        }
    if mail_address(booking.email) is None:
        return _("unusable address")
    if row.kind == Kind.BALANCE_REMINDER and booking.balance <= 0:
        return _("nothing left to pay")
    if row.kind == Kind.REVIEW_REQUEST:
        links = texts.review_links()
        if not (links["tripadvisor"] or links["google"]):
            return _("no review link set (Tripadvisor or Google, in the operator's details)")
        # Once per traveller, whoever asked: this schedule or staff's review requests.
        asked = Message.objects.sent_or_waiting().filter(
            kind=OutboxKind.REVIEW_REQUEST, inquiry__email__iexact=booking.email
        )
        if asked.exists():
            return _("already asked for a review")
    return ""


TAKEN, SKIPPED, HELD = "taken", "skipped", "held"


def decide(pk, *, now):
    """Queue or skip one due message: TAKEN, SKIPPED, or HELD (another sender took it)."""
    with transaction.atomic():
        taken = TripMessage.objects.filter(
            pk=pk, status=TripMessage.Status.PLANNED, due_at__lte=now
        ).update(status=TripMessage.Status.QUEUED, decided_at=now)
        if not taken:
            return HELD
        row = TripMessage.objects.select_related(
            "booking__trek",
            "booking__departure",
            "booking__inquiry",
            "booking__created_by",
            "change",
        ).get(pk=pk)
        # For staff, in the site's language, as the request's history writes it.
        with translation.override(settings.LANGUAGE_CODE):
            reason = withheld_reason(row, now=now)
        if not reason:
            try:
                email, language = texts.email(row)
            except texts.NoText:
                with translation.override(settings.LANGUAGE_CODE):
                    reason = _("no text written for this message (admin: traveller message texts)")
        if reason:
            row.status, row.reason = TripMessage.Status.SKIPPED, reason[:200]
            row.save(update_fields=["status", "reason"])
            history.record(
                inquiry=row.booking.inquiry_id,
                kind=EventKind.MESSAGE_SKIPPED,
                text=f"{row.get_kind_display()}: {reason}",
            )
            return SKIPPED
        row.message = outbox.queue_email(
            email,
            kind=row.kind,
            language=language,
            inquiry=row.booking.inquiry,
            booking=row.booking,
            # The same limit once queued: a mail server down until after it sends nothing late.
            send_by=row.stale_at,
        )
        row.save(update_fields=["message"])
    return TAKEN


def queue_due(*, now=None, limit=200):
    """Write into the outbox every traveller message whose moment has come."""
    now = now or timezone.now()
    pks = list(
        TripMessage.objects.filter(status=TripMessage.Status.PLANNED, due_at__lte=now)
        .order_by("due_at", "id")
        .values_list("pk", flat=True)[:limit]
    )
    outcomes = {TAKEN: 0, SKIPPED: 0, HELD: 0}
    for pk in pks:
        try:
            outcomes[decide(pk, now=now)] += 1
        except Exception:
            # Its transaction is rolled back: the row stays planned and is tried next run;
            # one broken message must not hold back the others.
            logger.exception("traveller message %s could not be written", pk)
    if pks:
        logger.info("traveller messages: %s", outcomes)
    return outcomes


def on_sending(sender, **kwargs):
    queue_due()
