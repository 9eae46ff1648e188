"""Writes with side effects: booking seats, cancelling, queueing the traveller's link.

No overbooking, on SQLite and PostgreSQL alike: seats are held with one conditional UPDATE
(`seats_held = seats_held + n WHERE seats_held + n <= seats`), the first statement of the
booking's transaction. PostgreSQL makes a second booking of the same departure wait for the
first's row lock and then re-checks the condition on the committed row; SQLite serialises the
transactions (settings: IMMEDIATE). The loser's UPDATE matches no row and it gets
NotEnoughSeats. A CheckConstraint (seats_held <= seats) backs this up in the database.
"""

import datetime
import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from desk import history
from desk import services as desk_services
from desk.models import EventKind
from inquiries.models import Inquiry
from operator_site import details, pagecache
from outbox import mail as outbox
from outbox.models import Kind
from treks.models import Departure

from . import links
from .models import LIVE_STATUSES, Booking, BookingLink, Traveller, TravellerDataAccess

logger = logging.getLogger(__name__)


class NotEnoughSeats(Exception):
    """The departure has fewer seats left than the booking needs (someone else was quicker)."""

    def __init__(self, departure):
        self.departure = departure
        super().__init__(
            _(
                "Not enough seats left on the departure of %(date)s: %(left)d left. Someone "
                "booked them a moment ago, or the departure was cancelled. Nothing was booked."
            )
            % {"date": departure.start_date, "left": departure.seats_left}
        )


def book(
    *,
    inquiry,
    departure=None,
    private_date=None,
    travellers,
    total_price,
    deposit_due,
    balance_due_date,
    payment_instructions,
    user=None,
):
    """Turn a request into a booking; hold its seats on the departure. Raises NotEnoughSeats."""
    trek = inquiry.trek
    with transaction.atomic():
        if departure is not None:
            held = Departure.objects.filter(
                pk=departure.pk,
                is_cancelled=False,
                seats_held__lte=F("seats") - travellers,
            ).update(seats_held=F("seats_held") + travellers)
            if not held:
                departure.refresh_from_db()
                raise NotEnoughSeats(departure)
            start = departure.start_date
        else:
            start = private_date
        booking = Booking.objects.create(
            inquiry=inquiry,
            trek=trek,
            departure=departure,
            private_date=None if departure else private_date,
            start_date=start,
            end_date=end_date(trek, start),
            travellers=travellers,
            total_price=total_price,
            currency=trek.currency,
            deposit_due=deposit_due,
            balance_due_date=balance_due_date,
            payment_instructions=payment_instructions,
            hold_until=(
                timezone.now() + datetime.timedelta(hours=settings.BOOKING_HOLD_HOURS)
                if departure is not None and deposit_due > 0
                else None
            ),
            name=inquiry.name,
            email=inquiry.email,
            language=inquiry.language,
            created_by=user,
        )
        Traveller.objects.bulk_create(
            Traveller(booking=booking, position=n) for n in range(1, travellers + 1)
        )
        # Awaiting its deposit; one of 0 confirms it (and wins the request) at once.
        follow_the_money(booking=booking, actor=user)
        if departure is not None:
            pagecache.bump()  # the seats left on the trek page
    logger.info("booking %s made (%d travellers)", booking.pk, travellers)
    return booking


def end_date(trek, start):
    """The last day of a trip of `trek` that starts on `start`: from the itinerary."""
    return start + datetime.timedelta(days=max(trek.facts.days, 1) - 1)


def follow_departure(*, departure):
    """A departure moved by staff: its bookings start (and end) on its new date. Returns the
    live bookings (awaiting a deposit, confirmed or paid), with their new dates."""
    bookings = Booking.objects.filter(departure=departure)
    bookings.update(
        start_date=departure.start_date, end_date=end_date(departure.trek, departure.start_date)
    )
    return list(bookings.filter(status__in=LIVE_STATUSES).select_related("trek"))


def follow_the_money(*, booking, actor=None):
    """Move a live booking's status with what is paid (net of refunds): awaiting deposit,
    confirmed once the deposit is paid, paid once the whole price is, and back again when a
    refund takes it under. The request is won when the deposit is paid, through the desk.
    Each change goes into the request's history. Call it in the transaction that changed the
    payments; returns the status."""
    with transaction.atomic():
        locked = Booking.objects.select_for_update().get(pk=booking.pk)
        old = locked.status
        if old not in LIVE_STATUSES:
            return old
        new = locked.status_for(locked.paid)
        if new != old:
            Booking.objects.filter(pk=locked.pk).update(status=new)
            with translation.override(settings.LANGUAGE_CODE):  # the history's language
                history.record(
                    inquiry=locked.inquiry_id,
                    kind=EventKind.BOOKING,
                    actor=actor,
                    old=Booking.Status(old).label,
                    new=Booking.Status(new).label,
                    text=f"Booking #{locked.pk}",
                )
        if new != Booking.Status.AWAITING_DEPOSIT:
            # Through the desk, like every status change: the request's history says so.
            desk_services.set_status(
                inquiries=Inquiry.objects.filter(pk=locked.inquiry_id),
                status=Inquiry.Status.WON,
                actor=actor,
            )
    booking.status = new
    return new


def cancel(*, booking, only_if=None):
    """Cancel a booking and release its seats; False when it was already cancelled (or, with
    `only_if`, a Q the booking's row must still match, when it no longer does)."""
    with transaction.atomic():
        rows = Booking.objects.filter(pk=booking.pk, status__in=LIVE_STATUSES)
        if only_if is not None:
            rows = rows.filter(only_if)
        changed = rows.update(status=Booking.Status.CANCELLED, cancelled_at=timezone.now())
        if not changed:
            return False
        if booking.departure_id:
            Departure.objects.filter(pk=booking.departure_id).update(
                seats_held=F("seats_held") - booking.travellers
            )
            pagecache.bump()
        BookingLink.objects.filter(booking=booking, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
    logger.info("booking %s cancelled", booking.pk)
    return True


def release_expired_holds(*, now=None):
    """Cancel the bookings still awaiting their deposit when their hold ended: seats released,
    links revoked, an entry in the request's history and an e-mail to staff. Conditional on
    the row, so a deposit recorded a moment before wins, and two runs release once. Returns
    the bookings released."""
    now = now or timezone.now()
    expired = Booking.objects.filter(
        status=Booking.Status.AWAITING_DEPOSIT, hold_until__lt=now
    ).select_related("trek", "inquiry")
    released = []
    for booking in expired:
        with transaction.atomic():
            still = Q(status=Booking.Status.AWAITING_DEPOSIT, hold_until__lt=now)
            if not cancel(booking=booking, only_if=still):
                continue
            with translation.override(settings.LANGUAGE_CODE):  # staff's language
                text = _(
                    "Booking #%(pk)d: no deposit by %(when)s, so it is cancelled and its "
                    "%(n)d seats are released. To book them again, make a new booking from "
                    "the request."
                ) % {
                    "pk": booking.pk,
                    "when": timezone.localtime(booking.hold_until).strftime("%Y-%m-%d %H:%M"),
                    "n": booking.travellers,
                }
                tell_staff(
                    booking=booking,
                    kind=EventKind.BOOKING,
                    subject=_("Seats released: booking #%(pk)d, %(trek)s")
                    % {"pk": booking.pk, "trek": booking.trek.name},
                    text=text,
                    old=Booking.Status.AWAITING_DEPOSIT.label,
                    new=Booking.Status.CANCELLED.label,
                )
        released.append(booking)
        logger.info("booking %s: hold expired, seats released", booking.pk)
    return released


def tell_staff(*, booking, kind, subject, text, old="", new=""):
    """Something about a booking staff must act on: an entry in the request's history and an
    e-mail to the staff addresses (INQUIRY_NOTIFY_EMAILS), in this transaction."""
    history.record(inquiry=booking.inquiry_id, kind=kind, old=old, new=new, text=text)
    outbox.queue(
        kind=Kind.STAFF_NOTIFICATION,
        to=settings.INQUIRY_NOTIFY_EMAILS,
        subject=subject,
        body=render_to_string(
            "bookings/email/to_staff.txt",
            {"booking": booking, "text": text, "url": settings.SITE_URL + booking.get_admin_url()},
        ),
        inquiry=booking.inquiry,
        booking=booking,
    )


def record_access(*, bookings, user, action):
    TravellerDataAccess.objects.bulk_create(
        TravellerDataAccess(booking=booking, user=user, action=action) for booking in bookings
    )


@transaction.atomic
def send_link(*, booking):
    """A new link, e-mailed to the traveller in their language through the outbox; earlier
    links stay valid until revoked. Returns the address."""
    link = BookingLink.objects.create(booking=booking)
    with translation.override(booking.language):
        # In the traveller's language: /es/... for a request sent from a Spanish page.
        url = settings.SITE_URL + links.path_for(link)
        context = {
            "booking": booking,
            "url": url,
            "days": settings.BOOKING_LINK_MAX_AGE_DAYS,
            "operator": details.current(),
        }
        message = EmailMultiAlternatives(
            subject=_("Your booking: %(trek)s, %(date)s")
            % {"trek": booking.trek.name, "date": booking.start_date},
            body=render_to_string("bookings/email/link.txt", context),
            to=[booking.email],
        )
    outbox.queue_email(
        message,
        kind=Kind.BOOKING_LINK,
        language=booking.language,
        inquiry=booking.inquiry,
        booking=booking,
    )
    logger.info("booking %s: link queued", booking.pk)
    return url


def revoke_links(*, booking):
    return BookingLink.objects.filter(booking=booking, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )


def purge_traveller_documents(*, ended_before):
    """Delete the traveller details of trips that ended before `ended_before`; the bookings
    keep their travellers count, totals and payments. Returns how many travellers."""
    bookings = Booking.objects.filter(end_date__lt=ended_before, documents_purged_at__isnull=True)
    with transaction.atomic():
        deleted, _by_model = Traveller.objects.filter(booking__in=bookings).delete()
        bookings.update(documents_purged_at=timezone.now())
    return deleted
