"""A booking holds its seats while its deposit is awaited, for BOOKING_HOLD_HOURS (staff can
change one booking's hold in admin); then release_holds cancels it, releases the seats and
tells staff. A deposit recorded first wins; two runs release once (issue 24)."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone

from bookings import services
from bookings.models import Booking
from outbox.models import Kind, Message
from tests.factories import (
    make_booking,
    make_departure,
    make_inquiry,
    make_trek,
    make_walk,
    record_payment_in_admin,
)

pytestmark = pytest.mark.django_db


def _departure():
    return make_departure(make_walk(make_trek(), 3), seats=8)


def test_a_new_booking_holds_its_seats_for_the_set_hours(settings):
    settings.BOOKING_HOLD_HOURS = 48
    before = timezone.now()
    booking = make_booking(_departure())
    assert booking.status == Booking.Status.AWAITING_DEPOSIT
    held = booking.hold_until - before
    assert datetime.timedelta(hours=48) <= held < datetime.timedelta(hours=48, minutes=1)


def test_a_private_booking_or_one_without_deposit_holds_nothing():
    trek = make_walk(make_trek(), 2)
    private = services.book(
        inquiry=make_inquiry(trek=trek),
        private_date=timezone.localdate() + datetime.timedelta(days=20),
        travellers=2,
        total_price=Decimal("800"),
        deposit_due=Decimal("200"),
        balance_due_date=timezone.localdate() + datetime.timedelta(days=10),
        payment_instructions="Transfer (to confirm)",
    )
    assert private.hold_until is None
    free = make_booking(_departure(), deposit_due=Decimal("0"))
    assert free.hold_until is None and free.status == Booking.Status.CONFIRMED
    free.inquiry.refresh_from_db()
    assert free.inquiry.status == "won"  # a deposit of 0 is paid: the request is won at once


def test_release_holds_cancels_an_unpaid_booking_releases_seats_and_tells_staff():
    departure = _departure()
    booking = make_booking(departure, travellers=3)
    departure.refresh_from_db()
    assert departure.seats_held == 3
    Booking.objects.filter(pk=booking.pk).update(
        hold_until=timezone.now() - datetime.timedelta(minutes=1)
    )
    out = io.StringIO()
    call_command("release_holds", stdout=out)
    assert "released 1 booking(s)" in out.getvalue()
    booking.refresh_from_db()
    departure.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED and departure.seats_held == 0
    assert not booking.links.filter(revoked_at__isnull=True).exists()
    (entry,) = booking.inquiry.events.filter(kind="booking")
    assert (entry.old_value, entry.new_value) == ("Awaiting deposit", "Cancelled")
    assert "no deposit by" in entry.text and "3 seats are released" in entry.text
    mail = Message.objects.get(kind=Kind.STAFF_NOTIFICATION, booking=booking)
    assert mail.subject.startswith(f"Seats released: booking #{booking.pk}")
    assert booking.get_admin_url() in mail.body
    # A second run (another server): nothing more.
    assert services.release_expired_holds() == []
    assert Message.objects.filter(kind=Kind.STAFF_NOTIFICATION).count() == 1


def test_a_paid_deposit_or_a_hold_not_over_keeps_the_seats(staff_client):
    departure = _departure()
    paid = make_booking(departure)
    waiting = make_booking(departure)
    record_payment_in_admin(staff_client, paid, amount=str(paid.deposit_due))
    Booking.objects.filter(pk=paid.pk).update(
        hold_until=timezone.now() - datetime.timedelta(minutes=1)
    )
    assert services.release_expired_holds() == []
    paid.refresh_from_db()
    waiting.refresh_from_db()
    assert paid.status == Booking.Status.CONFIRMED
    assert waiting.status == Booking.Status.AWAITING_DEPOSIT
    departure.refresh_from_db()
    assert departure.seats_held == 4


def test_staff_recording_a_payment_keeps_the_hold_they_see(staff_client):
    booking = make_booking(_departure())
    record_payment_in_admin(staff_client, booking, amount="10")
    held = booking.hold_until
    booking.refresh_from_db()
    assert booking.hold_until == held.replace(microsecond=0)
