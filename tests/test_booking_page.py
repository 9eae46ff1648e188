"""The traveller's booking page: reached only through a signed, expiring, revocable link,
e-mailed in the traveller's language; terms accepted with the time; one form per traveller that
saves half-filled and refuses bad input with everything typed kept."""

import datetime
import io
import re

import pytest
from django.core import mail, signing
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone, translation

from bookings import links, services
from bookings.models import Booking, BookingLink, Traveller
from tests.factories import (
    make_booking,
    make_departure,
    make_inquiry,
    make_trek,
    make_walk,
    record_payment_in_admin,
)

pytestmark = pytest.mark.django_db


def _link_path(booking):
    return links.path_for(BookingLink.objects.create(booking=booking))


def test_the_link_is_emailed_in_the_travellers_language(client):
    departure = make_departure(make_walk(make_trek(), 2))
    inquiry = make_inquiry(trek=departure.trek, departure=departure, language="es")
    booking = make_booking(departure, inquiry=inquiry)
    url = services.send_link(booking=booking)
    assert mail.outbox == []  # queued: send_outbox sends it
    call_command("send_outbox", stdout=io.StringIO())
    message = mail.outbox[-1]
    assert message.to == [inquiry.email]
    assert message.subject.startswith("Su reserva:")
    assert url in message.body and "/es/reserva/" in url
    path = url.split("://", 1)[1].split("/", 1)[1]
    html = client.get("/" + path).content.decode()
    assert "Su reserva" in html and 'lang="es"' in html


def test_booking_page_shows_trip_price_paid_due_and_instructions(client, staff_client):
    from decimal import Decimal

    booking = make_booking(
        make_departure(price_per_person=Decimal("500")),
        travellers=2,
        payment_instructions="Transfer to BCP account 191-000 (to confirm)",
    )
    record_payment_in_admin(staff_client, booking, amount="250", method="cash")
    response = client.get(_link_path(booking))
    html = response.content.decode()
    assert response.status_code == 200
    assert booking.trek.name in html
    assert "USD 1,000.00" in html and "USD 250.00" in html and "USD 750.00" in html
    assert "Transfer to BCP account 191-000" in html
    assert html.count('name="form" value="traveller-') == 2
    assert "no-store" in response["Cache-Control"]
    assert response["X-Robots-Tag"] == "noindex"
    assert response["Referrer-Policy"] == "same-origin"


@pytest.mark.parametrize("signed", ["nothing", "abc:def", "x" * 300, "%00", ":::", "Zm9v:bar:baz"])
def test_forged_links_are_refused(client, signed):
    make_booking()
    response = client.get(reverse("bookings:booking", kwargs={"signed": signed}))
    assert response.status_code == 404
    assert "This booking link does not work" in response.content.decode()


def test_a_link_expires(client):
    booking = make_booking()
    path = _link_path(booking)
    with override_settings(BOOKING_LINK_MAX_AGE_DAYS=1):
        later = timezone.now() + datetime.timedelta(days=2)
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(signing.time, "time", lambda: later.timestamp())
            assert client.get(path).status_code == 404
        assert client.get(path).status_code == 200


def test_staff_revoke_a_link(client):
    booking = make_booking()
    path = _link_path(booking)
    assert client.get(path).status_code == 200
    services.revoke_links(booking=booking)
    assert client.get(path).status_code == 404


def test_a_cancelled_booking_link_stops_working(client):
    booking = make_booking()
    path = _link_path(booking)
    services.cancel(booking=booking)
    assert client.get(path).status_code == 404


def test_a_token_of_another_booking_cannot_be_swapped_in(client):
    first, second = make_booking(), make_booking()
    path = _link_path(first)
    signed = path.rstrip("/").rsplit("/", 1)[1]
    token = signed.split(":", 1)[0]
    other = BookingLink.objects.create(booking=second).token
    assert client.get(path.replace(token, other)).status_code == 404


def test_terms_are_accepted_with_the_time(client):
    booking = make_booking()
    path = _link_path(booking)
    response = client.post(path, {"form": "terms"})
    assert "Tick the box to accept the terms." in response.content.decode()
    booking.refresh_from_db()
    assert booking.terms_accepted_at is None
    before = timezone.now()
    response = client.post(path, {"form": "terms", "accept": "on"})
    assert response.status_code == 302
    booking.refresh_from_db()
    assert booking.terms_accepted_at >= before
    assert "You accepted the terms on" in client.get(path).content.decode()


def _traveller(n=1, **fields):
    data = {"form": f"traveller-{n}"}
    data.update({f"t{n}-{name}": value for name, value in fields.items()})
    return data


def test_a_half_filled_traveller_form_is_saved_to_finish_later(client):
    booking = make_booking(travellers=2)
    path = _link_path(booking)
    response = client.post(path, _traveller(2, full_name="Ana María Quispe Huamán"), follow=True)
    html = response.content.decode()
    assert "Traveller 2&#x27;s details are saved: you can finish them later." in html
    traveller = Traveller.objects.get(booking=booking, position=2)
    assert traveller.full_name == "Ana María Quispe Huamán" and traveller.passport_number == ""
    response = client.post(
        path,
        _traveller(
            2,
            full_name="Ana María Quispe Huamán",
            nationality="PE",
            passport_number="ab 123 4567",
            date_of_birth="1990-04-02",
            dietary_needs="Vegetarian",
            emergency_contact="Rosa Huamán +51 984 000000",
        ),
        follow=True,
    )
    assert "Traveller 2&#x27;s details are saved." in response.content.decode()
    traveller.refresh_from_db()
    assert traveller.passport_number == "AB1234567" and traveller.nationality.code == "PE"
    assert traveller.is_complete


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"passport_number": "12"}, "5 to 20 letters and digits"),
        ({"passport_number": "AB-123456"}, "5 to 20 letters and digits"),
        ({"passport_number": "ÄÖ12345"}, "5 to 20 letters and digits"),
        ({"passport_number": "A" * 21}, "at most 20 characters"),
        ({"nationality": "XX"}, "Select a valid choice"),
        ({"date_of_birth": "2999-01-01"}, "cannot be in the future"),
        ({"date_of_birth": "1800-01-01"}, "check the year of birth"),
        ({"date_of_birth": "02/31/1990"}, "Enter a valid date."),
        ({"full_name": "x" * 101}, "at most 100 characters"),
        ({"full_name": "Ana\nQuispe"}, "one line"),
        ({"dietary_needs": "x" * 301}, "at most 300 characters"),
        ({"emergency_contact": "x" * 151}, "at most 150 characters"),
    ],
)
def test_traveller_form_refuses_bad_input_and_keeps_what_was_typed(client, fields, message):
    booking = make_booking(travellers=1)
    path = _link_path(booking)
    typed = {"full_name": "Typed Name Kept", **fields}
    response = client.post(path, _traveller(1, **typed))
    html = response.content.decode()
    assert response.status_code == 200
    assert message in html
    if "full_name" not in fields:
        assert "Typed Name Kept" in html
    traveller = Traveller.objects.get(booking=booking)
    assert traveller.full_name == "" and traveller.passport_number == ""


def test_a_form_for_a_traveller_of_another_booking_changes_nothing(client):
    mine, other = make_booking(travellers=1), make_booking(travellers=3)
    path = _link_path(mine)
    client.post(path, _traveller(3, full_name="Intruder"))
    assert not Traveller.objects.filter(full_name="Intruder").exists()
    assert Booking.objects.count() == 2 and other.traveller_rows.count() == 3


def test_booking_page_in_spanish_has_spanish_labels(client):
    booking = make_booking()
    with translation.override("es"):
        path = _link_path(booking)
    html = client.get(path).content.decode()
    assert re.search(r"Número de pasaporte", html) and "Guardar viajero 1" in html
