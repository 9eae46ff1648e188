"""Staff turn a request into a booking in one step; seats are held and released; the page
cache never serves a stale seat count; payments give the balance."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from bookings import services
from bookings.models import Booking, Payment
from inquiries.models import Inquiry
from tests.factories import (
    make_booking,
    make_departure,
    make_inquiry,
    make_trek,
    make_walk,
    payment_post,
    record_payment_in_admin,
)

pytestmark = pytest.mark.django_db


def _in(days):
    return timezone.localdate() + datetime.timedelta(days=days)


def _booking_data(chosen=None, **overrides):
    data = {
        "departure": str(chosen.pk) if chosen else "",
        "private_date": "",
        "travellers": "2",
        "total_price": "1300",
        "deposit_percent": "30",
        "deposit_amount": "",
        "balance_due_date": _in(5).isoformat(),
        "payment_instructions": "Bank transfer: to confirm with the operator.",
    }
    data.update(overrides)
    return data


def _url(inquiry):
    return reverse("admin:bookings_booking_from_inquiry", args=[inquiry.pk])


def test_request_page_offers_to_make_a_booking(staff_client):
    inquiry = make_inquiry(trek=make_trek())
    html = staff_client.get(inquiry.get_admin_url()).content.decode()
    assert _url(inquiry) in html


def test_staff_make_a_booking_from_a_request_in_one_step(staff_client):
    trek = make_walk(make_trek(), 4)
    departure = make_departure(trek, start_date=_in(30), seats=8)
    inquiry = make_inquiry(trek=trek, departure=departure, group_size=2)
    response = staff_client.post(_url(inquiry), _booking_data(departure))
    booking = Booking.objects.get()
    assert response.status_code == 302 and response["Location"] == booking.get_admin_url()
    departure.refresh_from_db()
    assert departure.seats_held == 2
    assert booking.deposit_due == Decimal("390.00")
    assert booking.end_date == _in(33)
    assert booking.traveller_rows.count() == 2
    # Seats held, awaiting the deposit: the request is won when the deposit is paid (issue 24).
    assert booking.status == Booking.Status.AWAITING_DEPOSIT
    inquiry.refresh_from_db()
    assert inquiry.status == Inquiry.Status.NEW
    record_payment_in_admin(staff_client, booking, amount="390", method="bank_transfer")
    booking.refresh_from_db()
    inquiry.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED
    assert inquiry.status == Inquiry.Status.WON
    # Through the one history writer, like every status change.
    (event,) = inquiry.events.filter(kind="status")
    assert (event.old_value, event.new_value, event.actor.username) == ("new", "won", "staff")
    (moved,) = inquiry.events.filter(kind="booking")
    assert (moved.old_value, moved.new_value) == ("Awaiting deposit", "Confirmed")


def test_a_private_booking_holds_no_seats(staff_client):
    trek = make_walk(make_trek(), 2)
    departure = make_departure(trek)
    inquiry = make_inquiry(trek=trek)
    staff_client.post(
        _url(inquiry),
        _booking_data(private_date=_in(40).isoformat(), deposit_amount="100", deposit_percent=""),
    )
    booking = Booking.objects.get()
    assert booking.private_date == _in(40) and booking.deposit_due == Decimal("100")
    departure.refresh_from_db()
    assert departure.seats_held == 0


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"travellers": "0"}, "greater than or equal to 1"),
        ({"travellers": "31"}, "less than or equal to 30"),
        ({"travellers": "x"}, "Enter a whole number."),
        ({"total_price": "-1"}, "greater than or equal to 0"),
        ({"total_price": "1e99"}, "less than or equal to"),
        ({"deposit_percent": "101"}, "less than or equal to 100"),
        ({"deposit_percent": "10", "deposit_amount": "50"}, "not both"),
        ({"deposit_percent": "", "deposit_amount": "5000"}, "cannot be more than the total"),
        ({"balance_due_date": "2999-01-01"}, "by the start date at the latest"),
        ({"balance_due_date": ""}, "This field is required."),
        ({"payment_instructions": ""}, "This field is required."),
        ({"payment_instructions": "x" * 2001}, "at most 2000 characters"),
        ({"departure": "", "private_date": ""}, "a private date, one of the two"),
        ({"private_date": "2001-01-01", "departure": ""}, "cannot be in the past"),
        ({"departure": "999999"}, "Select a valid choice"),
    ],
)
def test_booking_form_refuses_bad_input_and_stores_nothing(staff_client, overrides, message):
    trek = make_walk(make_trek(), 2)
    departure = make_departure(trek, start_date=_in(30))
    inquiry = make_inquiry(trek=trek)
    response = staff_client.post(_url(inquiry), _booking_data(departure, **overrides))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Booking.objects.exists()
    departure.refresh_from_db()
    assert departure.seats_held == 0


def test_booking_more_than_the_seats_left_is_refused_with_a_clear_error(staff_client):
    trek = make_walk(make_trek(), 2)
    departure = make_departure(trek, start_date=_in(30), seats=3)
    make_booking(departure, travellers=2)
    inquiry = make_inquiry(trek=trek)
    response = staff_client.post(_url(inquiry), _booking_data(departure, travellers="2"))
    assert "Not enough seats left" in response.content.decode()
    assert "Nothing was booked" in response.content.decode()
    assert Booking.objects.count() == 1
    departure.refresh_from_db()
    assert departure.seats_held == 2


def test_service_refuses_to_overbook_and_a_cancelled_departure(db):
    departure = make_departure(seats=2)
    make_booking(departure, travellers=2)
    with pytest.raises(services.NotEnoughSeats):
        make_booking(departure, travellers=1)
    other = make_departure(seats=5, is_cancelled=True)
    with pytest.raises(services.NotEnoughSeats):
        make_booking(other, travellers=1)
    assert Booking.objects.count() == 1


def test_cancelling_releases_the_seats_once(db):
    departure = make_departure(seats=4)
    booking = make_booking(departure, travellers=3)
    assert services.cancel(booking=booking) is True
    assert services.cancel(booking=booking) is False
    departure.refresh_from_db()
    assert departure.seats_held == 0
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED


def test_cancel_action_in_admin_releases_seats(staff_client):
    departure = make_departure(seats=4)
    booking = make_booking(departure, travellers=3)
    staff_client.post(
        reverse("admin:bookings_booking_changelist"),
        {"action": "cancel_bookings", "_selected_action": [booking.pk]},
    )
    departure.refresh_from_db()
    assert departure.seats_held == 0


def test_trek_page_seat_count_is_fresh_after_a_booking_and_a_cancellation(client):
    departure = make_departure(make_walk(make_trek(), 2), seats=8)
    url = departure.trek.get_absolute_url()
    assert "<td>8</td>" in client.get(url).content.decode()
    booking = make_booking(departure, travellers=3)
    assert "<td>5</td>" in client.get(url).content.decode()
    services.cancel(booking=booking)
    assert "<td>8</td>" in client.get(url).content.decode()


# --- Payments --------------------------------------------------------------------------------


def test_payments_give_the_balance(staff_client):
    booking = make_booking(make_departure(price_per_person=Decimal("500")), travellers=2)
    record_payment_in_admin(staff_client, booking, amount="250", method="bank_transfer")
    record_payment_in_admin(staff_client, booking, amount="100.50", method="cash")
    assert booking.paid == Decimal("350.50")
    assert booking.balance == Decimal("649.50")


def test_staff_record_a_payment_in_admin(staff_client):
    booking = make_booking(make_departure(price_per_person=Decimal("500")), travellers=2)
    response = staff_client.post(booking.get_admin_url(), payment_post(booking))
    assert response.status_code == 302, response.content.decode()[:3000]
    payment = Payment.objects.get()
    assert payment.amount == Decimal("200") and payment.recorded_by.username == "staff"
    html = staff_client.get(reverse("admin:bookings_booking_changelist")).content.decode()
    assert "800" in html


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ({"amount": "0"}, "greater than or equal to 0.01"),
        ({"amount": "-5"}, "greater than or equal to 0.01"),
        ({"amount": "abc"}, "Enter a number."),
        ({"paid_on": "2999-01-01"}, "cannot be dated in the future"),
        ({"paid_on": "yesterday"}, "Enter a valid date."),
        ({"method": "bitcoin"}, "Select a valid choice"),
        ({"reference": "4111 1111 1111 1111"}, "looks like a card number"),
        ({"reference": "x" * 101}, "at most 100 characters"),
    ],
)
def test_payment_refuses_bad_input(staff_client, row, message):
    booking = make_booking(make_departure(), travellers=1)
    response = staff_client.post(booking.get_admin_url(), payment_post(booking, **row))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Payment.objects.exists()


def test_bookings_list_filters_by_month_and_balance(staff_client):
    paid = make_booking(
        make_departure(start_date=_in(20), price_per_person=Decimal("100")), travellers=1
    )
    record_payment_in_admin(staff_client, paid, amount="100", method="cash")
    owing = make_booking(make_departure(start_date=_in(80)), travellers=1)
    url = reverse("admin:bookings_booking_changelist")
    due = staff_client.get(url, {"balance": "due"}).context["cl"].result_list
    assert list(due) == [owing]
    full = staff_client.get(url, {"balance": "paid"}).context["cl"].result_list
    assert list(full) == [paid]
    month = staff_client.get(url, {"month": f"{_in(80):%Y-%m}"}).context["cl"].result_list
    assert owing in month and (paid in month) == (_in(20).month == _in(80).month)
