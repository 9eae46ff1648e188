"""The traveller's booking page: reached only through a signed, expiring, revocable link,
e-mailed in the traveller's language; terms accepted with the time; one form with every
traveller that saves them all at once, half-filled too, and refuses bad input with everything
typed kept; accepting the terms saves what was typed for the travellers too."""

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
    # The e-mail with this link (the booking's confirmation, which carries a link of its own,
    # goes in the same run: tests/test_trip_messages.py).
    (message,) = [m for m in mail.outbox if url in m.body]
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
    # One form for every traveller and the terms; Save comes first, so that Enter in a
    # traveller's field (the browser presses the form's first button) saves, never accepts.
    assert html.count("<form ") == 1
    save = html.index("Save the details of all 2 travellers")
    assert save < html.index('name="accept"') < html.index('name="accept_terms"')
    assert 'name="t1-full_name"' in html and 'name="t2-full_name"' in html
    assert "Save the details of all 2 travellers" in html
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
    data = {"form": "travellers"}
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
        ({"date_of_birth": "02/31/1990"}, "Enter the date as year-month-day"),
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
    assert re.search(r"Número de pasaporte", html) and "Guardar los datos de los 2 viajeros" in html


def _both(first, second):
    return {**_traveller(1, **first), **_traveller(2, **second)}


ANA = {
    "full_name": "Ana María Quispe Huamán",
    "nationality": "PE",
    "passport_number": "AB1234567",
    "date_of_birth": "1990-04-02",
}
LUIS = {"full_name": "Luis Quispe", "passport_number": "CD7654321"}


def test_one_save_saves_every_traveller(client):
    booking = make_booking(travellers=2)
    path = _link_path(booking)
    response = client.post(path, _both(ANA, LUIS), follow=True)
    html = response.content.decode()
    assert "Traveller 1&#x27;s details are saved." in html
    assert "Traveller 2&#x27;s details are saved: you can finish them later." in html
    rows = list(booking.traveller_rows.order_by("position"))
    assert [r.full_name for r in rows] == ["Ana María Quispe Huamán", "Luis Quispe"]
    assert [r.passport_number for r in rows] == ["AB1234567", "CD7654321"]
    assert rows[0].is_complete and not rows[1].is_complete
    assert 'value="Luis Quispe"' in html and 'value="Ana María Quispe Huamán"' in html


def test_an_error_in_one_traveller_keeps_everyones_text_and_saves_the_valid_ones(client):
    booking = make_booking(travellers=2)
    path = _link_path(booking)
    response = client.post(path, _both(ANA, {**LUIS, "passport_number": "12"}))
    html = response.content.decode()
    assert response.status_code == 200
    # What was typed, for both: the saved traveller 1 and traveller 2 with its error.
    assert 'value="Ana María Quispe Huamán"' in html and 'value="AB1234567"' in html
    assert 'value="Luis Quispe"' in html and 'value="12"' in html
    # The summary says what is not saved and links to the field; the field says why.
    assert "Traveller 1&#x27;s details are saved." in html
    assert "The details of one traveller are not saved yet" in html
    assert '<a href="#id_t2-passport_number">Traveller 2, Passport number</a>' in html
    field = re.search(r'<input[^>]*name="t2-passport_number"[^>]*>', html).group(0)
    assert 'aria-invalid="true"' in field
    described = re.search(r'aria-describedby="([^"]+)"', field).group(1).split()
    assert any(f'id="{i}"' in html for i in described)
    rows = list(booking.traveller_rows.order_by("position"))
    assert rows[0].full_name == "Ana María Quispe Huamán" and rows[0].is_complete
    assert rows[1].full_name == "" and rows[1].passport_number == ""
    assert "no-store" in response["Cache-Control"] and response["X-Robots-Tag"] == "noindex"


def test_a_traveller_missing_from_the_posted_page_keeps_what_is_saved(client):
    """Staff raised the travellers from 2 to 3 while the page was open: traveller 3's saved
    details are not emptied by a page that had no fields for them."""
    booking = make_booking(travellers=3)
    Traveller.objects.filter(booking=booking, position=3).update(full_name="Rosa Huamán")
    client.post(_link_path(booking), _both(ANA, LUIS))
    assert Traveller.objects.get(booking=booking, position=3).full_name == "Rosa Huamán"


def test_an_untouched_traveller_does_not_overwrite_what_another_device_saved(client):
    """Ana's phone shows traveller 2 empty; Luis saves his details from his own phone; Ana then
    saves traveller 1 without touching traveller 2: Luis's details stay."""
    booking = make_booking(travellers=2)
    path = _link_path(booking)
    html = client.get(path).content.decode()
    shown = dict(re.findall(r'name="(t\d-shown)" value="([0-9a-f]+)"', html))
    assert set(shown) == {"t1-shown", "t2-shown"}
    client.post(path, _traveller(2, **LUIS))  # Luis, from another device
    empty = dict.fromkeys(["full_name", "nationality", "passport_number", "date_of_birth"], "")
    empty.update(dietary_needs="", emergency_contact="")
    data = {**_both(ANA, empty), **shown}
    client.post(path, data)
    rows = list(booking.traveller_rows.order_by("position"))
    assert rows[0].full_name == "Ana María Quispe Huamán"
    assert rows[1].full_name == "Luis Quispe" and rows[1].passport_number == "CD7654321"
    # With an error in traveller 1, untouched traveller 2 is shown as saved now, not as the
    # stale page had it.
    html = client.post(path, {**_both({**ANA, "passport_number": "12"}, empty), **shown})
    html = html.content.decode()
    assert 'value="12"' in html and 'value="Luis Quispe"' in html
    assert Traveller.objects.get(booking=booking, position=2).full_name == "Luis Quispe"
    # A traveller that was touched is saved, whatever the device.
    client.post(path, {**_both(ANA, {**empty, "full_name": "Luis Q."}), **shown})
    assert Traveller.objects.get(booking=booking, position=2).full_name == "Luis Q."


def test_saving_an_unchanged_page_writes_nothing_and_says_so(client):
    booking = make_booking(travellers=2)
    path = _link_path(booking)
    client.post(path, _both(ANA, LUIS))
    before = list(booking.traveller_rows.values_list("updated_at", flat=True))
    html = client.get(path).content.decode()
    posted = {"form": "travellers"}
    for name, value in re.findall(r'<input[^>]*name="(t\d-[a-z_]+)"[^>]*value="([^"]*)"', html):
        posted[name] = value
    posted.update({"t1-nationality": "PE", "t2-nationality": ""})
    assert "t1-shown" in posted and posted["t1-full_name"] == "Ana María Quispe Huamán"
    response = client.post(path, posted, follow=True)
    assert "Nothing was changed: the details are as they were saved." in response.content.decode()
    assert list(booking.traveller_rows.values_list("updated_at", flat=True)) == before


def test_accepting_the_terms_saves_what_was_typed_for_the_travellers(client):
    booking = make_booking(travellers=2)
    path = _link_path(booking)
    before = timezone.now()
    data = {**_both(ANA, LUIS), "accept": "on", "accept_terms": "1"}
    response = client.post(path, data)
    assert response.status_code == 302 and response["Location"].endswith("#terms")
    html = client.get(response["Location"]).content.decode()
    assert "Thank you: the terms are accepted." in html
    assert "Traveller 1&#x27;s details are saved." in html
    assert "Traveller 2&#x27;s details are saved: you can finish them later." in html
    booking.refresh_from_db()
    assert booking.terms_accepted_at >= before
    rows = list(booking.traveller_rows.order_by("position"))
    assert [r.passport_number for r in rows] == ["AB1234567", "CD7654321"]
    assert 'value="Luis Quispe"' in html and "You accepted the terms on" in html


def test_an_error_in_a_traveller_keeps_the_text_and_still_records_the_terms(client):
    booking = make_booking(travellers=2)
    path = _link_path(booking)
    data = {**_both(ANA, {**LUIS, "passport_number": "12"}), "accept": "on", "accept_terms": "1"}
    response = client.post(path, data)
    html = response.content.decode()
    assert response.status_code == 200
    assert 'value="Luis Quispe"' in html and 'value="12"' in html
    assert '<a href="#id_t2-passport_number">Traveller 2, Passport number</a>' in html
    assert "Thank you: the terms are accepted." in html and "You accepted the terms on" in html
    assert "no-store" in response["Cache-Control"]
    booking.refresh_from_db()
    assert booking.terms_accepted_at is not None
    rows = list(booking.traveller_rows.order_by("position"))
    assert rows[0].passport_number == "AB1234567" and rows[1].full_name == ""


def test_accept_without_the_tick_saves_the_travellers_and_keeps_the_terms_open(client):
    booking = make_booking(travellers=2)
    path = _link_path(booking)
    response = client.post(path, {**_both(ANA, LUIS), "accept_terms": "1"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Tick the box to accept the terms." in html
    assert 'value="Luis Quispe"' in html and 'value="CD7654321"' in html
    assert "Traveller 2&#x27;s details are saved: you can finish them later." in html
    booking.refresh_from_db()
    assert booking.terms_accepted_at is None
    assert booking.traveller_rows.get(position=2).passport_number == "CD7654321"
    # The shown fingerprint is the saved text: pressing Save again changes nothing.
    shown = dict(re.findall(r'name="(t\d-shown)" value="([0-9a-f]+)"', html))
    again = {**_both(ANA, {**LUIS, "nationality": "", "date_of_birth": ""}), **shown}
    again["t1-dietary_needs"] = again["t1-emergency_contact"] = ""
    again["t2-dietary_needs"] = again["t2-emergency_contact"] = ""
    response = client.post(path, again, follow=True)
    assert "Nothing was changed" in response.content.decode()


def test_save_never_accepts_the_terms_even_with_the_box_ticked(client):
    booking = make_booking(travellers=1)
    path = _link_path(booking)
    client.post(path, {**_traveller(1, **ANA), "accept": "on"})
    booking.refresh_from_db()
    assert booking.terms_accepted_at is None
    assert booking.traveller_rows.get().passport_number == "AB1234567"
