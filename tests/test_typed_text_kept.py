"""Nothing typed is lost on a public error page (issue 23, item 1): a CSRF failure, the rate
limit's 429, the 503 of a database that takes no writes, and a booking link that stopped
working while its page was open all show back what was typed on the form they came from,
escaped, under the form's labels; never a token, a password or the form's machinery; never
stored, never logged."""

import datetime
import logging
import re

import pytest
from django.core import signing
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from bookings import links, services
from bookings.models import BookingLink, Traveller
from inquiries.models import Inquiry
from tests.factories import inquiry_post_data, make_booking, make_trek

pytestmark = pytest.mark.django_db

# HTML to prove escaping, and text beyond ASCII to prove it comes back whole.
HOSTILE_NAME = "Zoë <b>Ñandú</b> 山田"
ESCAPED_NAME = "Zoë &lt;b&gt;Ñandú&lt;/b&gt; 山田"
SCRIPT = "<script>alert(1)</script>"
PASSPORT = "XK4455667"


def _link_path(booking):
    return links.path_for(BookingLink.objects.create(booking=booking))


def _travellers_typed():
    return {
        "form": "travellers",
        "t1-full_name": HOSTILE_NAME,
        "t1-nationality": "PE",
        "t1-passport_number": PASSPORT,
        "t1-date_of_birth": "1990-04-02",
        "t1-shown": "0123456789abcdef0123",
        "t2-full_name": "Łukasz Ağaoğlu",
        "t2-dietary_needs": f"Vegan {SCRIPT}",
        "t2-emergency_contact": "",
    }


def _kept_section(body):
    match = re.search(r'<section[^>]*aria-labelledby="kept-heading".*?</section>', body, re.S)
    assert match, "no 'What you wrote' section"
    return match.group(0)


def _assert_travellers_shown_back(body):
    kept = _kept_section(body)
    assert "What you wrote, so that nothing is lost" in kept
    # Each traveller under its own heading, each value under its field's label.
    assert "<h3" in kept and "Traveller 1" in kept and "Traveller 2" in kept
    assert kept.index("Traveller 1") < kept.index(ESCAPED_NAME) < kept.index("Traveller 2")
    assert "<dt>Full name, exactly as in the passport</dt>" in kept
    assert f'<dd class="kept-value">{ESCAPED_NAME}</dd>' in kept
    assert "<dt>Nationality</dt><dd" in kept and ">Peru</dd>" in kept  # the name, not "PE"
    assert f'<dt>Passport number</dt><dd class="kept-value">{PASSPORT}</dd>' in kept
    assert "1990-04-02" in kept
    assert "Łukasz Ağaoğlu" in kept
    assert "Vegan &lt;script&gt;alert(1)&lt;/script&gt;" in kept
    assert SCRIPT not in body and "<b>Ñandú</b>" not in body
    # Not the machinery: the hidden fingerprint, which form, the CSRF token; no empty field.
    assert "0123456789abcdef0123" not in kept and "travellers" not in kept
    assert "csrfmiddlewaretoken" not in kept and "Emergency contact" not in kept


# --- CSRF failure ------------------------------------------------------------------------------


def test_the_csrf_failure_view_is_the_sites_own():
    from django.conf import settings

    assert settings.CSRF_FAILURE_VIEW == "operator_site.views.csrf_failure"


def test_csrf_failure_on_the_booking_page_shows_every_travellers_details(client, caplog):
    booking = make_booking(travellers=2)
    path = _link_path(booking)
    browser = Client(enforce_csrf_checks=True)
    browser.get(path)  # the cookie; the token posted below is a stale one
    caplog.set_level(logging.DEBUG)
    response = browser.post(path, {**_travellers_typed(), "csrfmiddlewaretoken": "x" * 64})
    assert response.status_code == 403
    body = response.content.decode()
    assert "We could not accept this form" in body
    _assert_travellers_shown_back(body)
    # Back to the page the form was on: its GET sets a fresh CSRF cookie.
    assert f'<a class="btn btn-primary" href="{path}">Open the form again</a>' in body
    assert "no-store" in response["Cache-Control"] and response["X-Robots-Tag"] == "noindex"
    assert not Traveller.objects.exclude(full_name="").exists()
    assert PASSPORT not in caplog.text and "Ñandú" not in caplog.text


def test_csrf_failure_on_the_request_form_shows_labels_and_choice_names(client):
    data = inquiry_post_data(name=HOSTILE_NAME, message=f"Four of us.\n{SCRIPT}")
    response = Client(enforce_csrf_checks=True).post(reverse("inquiries:contact"), data)
    assert response.status_code == 403
    kept = _kept_section(response.content.decode())
    assert f'<dt>Your name</dt><dd class="kept-value">{ESCAPED_NAME}</dd>' in kept
    assert "Four of us.<br>&lt;script&gt;alert(1)&lt;/script&gt;" in kept
    assert '<dt>How did you hear about us?</dt><dd class="kept-value">Tripadvisor</dd>' in kept
    assert "Leave this field empty" not in kept  # the honeypot
    assert data["form_token"] not in kept
    assert Inquiry.objects.count() == 0


def test_csrf_failure_in_spanish_shows_spanish_labels(client):
    booking = make_booking(travellers=1)
    with translation.override("es"):
        path = _link_path(booking)
    assert path.startswith("/es/")
    response = Client(enforce_csrf_checks=True).post(path, _travellers_typed())
    kept = _kept_section(response.content.decode())
    assert "Viajero 1" in kept and "Número de pasaporte" in kept and PASSPORT in kept


def test_csrf_failure_of_a_post_from_another_site_shows_nothing_back(client):
    """Another site's page must not be able to put its text on ours: the browser says where
    the POST came from (Sec-Fetch-Site), even when the reason is a missing cookie."""
    booking = make_booking(travellers=1)
    response = Client(enforce_csrf_checks=True).post(
        _link_path(booking), _travellers_typed(), HTTP_SEC_FETCH_SITE="cross-site"
    )
    assert response.status_code == 403
    body = response.content.decode()
    assert "We could not accept this form" in body
    assert "kept-heading" not in body and PASSPORT not in body


def test_csrf_failure_on_a_form_it_does_not_know_shows_its_fields_but_no_secrets(client):
    response = Client(enforce_csrf_checks=True).post(
        "/admin/login/",
        {
            "username": "staff-ñ",
            "password": "hunter2-secret",
            "otp_token": "123456",
            "recovery_code": "ABCD-EFGH",
            "next": "/admin/",
        },
    )
    assert response.status_code == 403
    kept = _kept_section(response.content.decode())
    assert "<dt>username</dt>" in kept and "staff-ñ" in kept
    for secret in ("hunter2-secret", "123456", "ABCD-EFGH", "next"):
        assert secret not in kept


def test_what_is_shown_back_is_bounded(client):
    data = {f"field{i}": f"value {i}" for i in range(250)}
    data["field0"] = "é" * 6000
    response = Client(enforce_csrf_checks=True).post(reverse("inquiries:thanks"), data)
    kept = _kept_section(response.content.decode())
    assert kept.count("<dt>") == 200
    assert "é" * 5000 in kept and "é" * 5001 not in kept


# --- 429 and 503 ---------------------------------------------------------------------------------


def test_rate_limit_page_shows_back_what_was_typed_escaped(client, settings):
    settings.INQUIRY_RATE_LIMIT = (1, 3600)
    url = reverse("inquiries:contact")
    client.post(url, inquiry_post_data())
    response = client.post(url, inquiry_post_data(name=HOSTILE_NAME, message=SCRIPT))
    assert response.status_code == 429
    body = response.content.decode()
    kept = _kept_section(body)
    assert ESCAPED_NAME in kept and "&lt;script&gt;alert(1)&lt;/script&gt;" in kept
    assert SCRIPT not in body
    assert "no-store" in response["Cache-Control"]


READ_ONLY = {
    "sqlite": ("PRAGMA query_only = ON", "PRAGMA query_only = OFF"),
    "postgresql": ("SET default_transaction_read_only = on", "RESET default_transaction_read_only"),
}


@pytest.mark.django_db(transaction=True)
def test_database_refusing_writes_on_the_booking_page_gives_a_503_with_everything_typed(
    client, caplog
):
    booking = make_booking(travellers=2)
    path = _link_path(booking)
    on, off = READ_ONLY[connection.vendor]
    caplog.set_level(logging.DEBUG)
    with connection.cursor() as cursor:
        cursor.execute(on)
    try:
        response = client.post(path, _travellers_typed())
    finally:
        with connection.cursor() as cursor:
            cursor.execute(off)
    assert response.status_code == 503
    body = response.content.decode()
    assert "We could not save your details just now" in body
    _assert_travellers_shown_back(body)
    assert response["Retry-After"] == "300"
    assert "no-store" in response["Cache-Control"] and response["X-Robots-Tag"] == "noindex"
    assert not Traveller.objects.exclude(full_name="").exists()
    assert "readonly" not in body and "read-only" not in body
    assert PASSPORT not in caplog.text and "Ñandú" not in caplog.text


@pytest.mark.django_db(transaction=True)
def test_database_refusing_writes_on_the_request_form_keeps_non_ascii_text(client):
    url = reverse("inquiries:trek_request", kwargs={"slug": make_trek().slug})
    on, off = READ_ONLY[connection.vendor]
    with connection.cursor() as cursor:
        cursor.execute(on)
    try:
        response = client.post(url, inquiry_post_data(name=HOSTILE_NAME))
    finally:
        with connection.cursor() as cursor:
            cursor.execute(off)
    assert response.status_code == 503
    assert ESCAPED_NAME in _kept_section(response.content.decode())


# --- A booking link that stopped working while the page was open -------------------------------


def test_an_expired_link_shows_back_what_was_typed(client):
    booking = make_booking(travellers=2)
    path = _link_path(booking)
    later = timezone.now() + datetime.timedelta(days=400)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(signing.time, "time", lambda: later.timestamp())
        response = client.post(path, _travellers_typed())
    assert response.status_code == 404
    body = response.content.decode()
    assert "This booking link does not work" in body
    _assert_travellers_shown_back(body)
    assert "no-store" in response["Cache-Control"]
    assert not Traveller.objects.exclude(full_name="").exists()


def test_a_revoked_link_shows_back_what_was_typed_and_a_get_shows_nothing(client):
    booking = make_booking(travellers=2)
    path = _link_path(booking)
    services.revoke_links(booking=booking)
    _assert_travellers_shown_back(client.post(path, _travellers_typed()).content.decode())
    assert "kept-heading" not in client.get(path).content.decode()
