"""Double submits, bots, rate limits and the thank-you link: protection that never costs a
person their request."""

import re
import time
import uuid

import pytest
from django.urls import reverse

from inquiries import tokens
from inquiries.models import Inquiry
from inquiries.views import THANKS_COOKIE
from tests.factories import inquiry_post_data, make_inquiry, make_trek, send_outbox

pytestmark = pytest.mark.django_db

CONTACT = "/contact/"


def test_contact_url_is_reversible():
    assert reverse("inquiries:contact") == CONTACT


def test_double_submit_with_the_same_token_stores_one_row_and_same_thank_you(client, mailoutbox):
    data = inquiry_post_data()
    first = client.post(CONTACT, data)
    second = client.post(CONTACT, data)
    assert first.status_code == second.status_code == 302
    assert Inquiry.objects.count() == 1
    assert client.get(first["Location"]).context["inquiry"] == Inquiry.objects.get()
    assert client.get(second["Location"]).context["inquiry"] == Inquiry.objects.get()


def test_a_different_request_sent_with_a_reused_token_is_stored_too(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    # A page the browser kept (Back button, or a 304 for the trek page) carries the form token
    # of a request already sent: a second, different request made from it is a new customer.
    first = inquiry_post_data(group_size="2")
    second = {**first, "group_size": "4", "message": "Two friends are joining us."}
    with django_capture_on_commit_callbacks(execute=True):
        first_response = client.post(CONTACT, first)
        second_response = client.post(CONTACT, second)
    assert first_response.status_code == second_response.status_code == 302
    assert (
        first_response.cookies[THANKS_COOKIE].value != second_response.cookies[THANKS_COOKIE].value
    )
    assert sorted(Inquiry.objects.values_list("group_size", flat=True)) == [2, 4]
    send_outbox()
    assert len(mailoutbox) == 4  # staff and traveller, for each request


def test_resubmit_after_an_error_keeps_the_same_token(client):
    data = inquiry_post_data(email="not-an-email")
    body = client.post(CONTACT, data).content.decode()
    assert f'value="{data["form_token"]}"' in body


def test_fresh_forms_get_different_tokens(client):
    """/contact/ is stored once for everyone: each view of it still gets a token of its own."""
    first, second = _page_token(client, CONTACT), _page_token(client, CONTACT)
    assert first != second
    assert all(tokens.read_form_token(token) for token in (first, second))


def _page_token(client, url):
    html = client.get(url).content.decode()
    return re.search(r'name="form_token" value="([^"]+)"', html).group(1)


def test_every_trek_page_view_gets_a_valid_token_of_its_own(client):
    """The trek page is stored once for everyone: only its token is new."""
    url = make_trek().get_absolute_url()
    first, second = _page_token(client, url), _page_token(client, url)
    assert first != second
    for token in (first, second):
        _key, age = tokens.read_form_token(token)
        assert 0 <= age < 60


# --- Suspected spam: stored and marked, never dropped (issue 12, item 1) ----------------------


def test_honeypot_filled_gets_the_thank_you_page_and_is_stored_as_suspected_spam(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(CONTACT, inquiry_post_data(website="http://spam.example"))
    assert response.status_code == 302
    assert response["Location"] == "/contact/thanks/"
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "Thank you, Ana Quispe" in page.content.decode()
    inquiry = Inquiry.objects.get()
    assert inquiry.spam_reason == Inquiry.SpamReason.HONEYPOT
    assert inquiry.name == "Ana Quispe"
    assert mailoutbox == []  # no e-mail until staff say "not spam"


def test_form_sent_under_two_seconds_is_stored_as_suspected_spam(client, mailoutbox):
    token = tokens.new_form_token(rendered_at=time.time() - 0.5)
    response = client.post(CONTACT, inquiry_post_data(form_token=token))
    assert response.status_code == 302
    inquiry = Inquiry.objects.get()
    assert inquiry.spam_reason == Inquiry.SpamReason.TOO_FAST
    assert inquiry.idempotency_key == tokens.read_form_token(token)[0]
    assert mailoutbox == []


def test_form_sent_after_two_seconds_is_stored(client):
    token = tokens.new_form_token(rendered_at=time.time() - 2.5)
    client.post(CONTACT, inquiry_post_data(form_token=token))
    assert Inquiry.objects.get().spam_reason == ""


@pytest.mark.parametrize("token", ["", "forged", tokens.new_form_token()[:-3] + "abc"])
def test_missing_or_forged_form_token_is_stored_as_suspected_spam(client, mailoutbox, token):
    response = client.post(CONTACT, inquiry_post_data(form_token=token))
    assert response.status_code == 302
    assert Inquiry.objects.get().spam_reason == Inquiry.SpamReason.BAD_TOKEN
    assert mailoutbox == []


def test_suspected_spam_with_bad_input_gets_the_errors_like_anyone(client):
    response = client.post(CONTACT, inquiry_post_data(website="x", email="not-an-address"))
    assert response.status_code == 200
    assert "email" in response.context["inquiry_form"].errors
    assert Inquiry.objects.count() == 0


def test_suspected_spam_gets_no_e_mail_from_send_outbox(client, mailoutbox):
    client.post(CONTACT, inquiry_post_data(website="http://spam.example"))  # the honeypot
    assert Inquiry.objects.get().spam_reason == Inquiry.SpamReason.HONEYPOT
    send_outbox()
    assert mailoutbox == []


# --- Form tokens expire: the form comes back with everything typed (item 4) --------------------


def test_expired_form_token_brings_the_form_back_with_everything_typed(client, settings):
    settings.INQUIRY_FORM_TOKEN_MAX_AGE = 24 * 3600
    old = tokens.new_form_token(rendered_at=time.time() - 25 * 3600)
    data = inquiry_post_data(form_token=old, name="Kiri <Tane>", message="Four of us, in May.")
    response = client.post(CONTACT, data)
    assert response.status_code == 200
    body = response.content.decode()
    assert "please check it and press send again" in body
    assert 'value="Kiri &lt;Tane&gt;"' in body
    assert "Four of us, in May." in body
    assert Inquiry.objects.count() == 0
    # A fresh token, so that pressing send again stores it.
    fresh = re.search(r'name="form_token" value="([^"]+)"', body).group(1)
    assert fresh != old
    assert 0 < tokens.read_form_token(fresh)[1] < 60
    again = client.post(CONTACT, {**data, "form_token": fresh})
    assert again.status_code == 302
    assert Inquiry.objects.get().name == "Kiri <Tane>"
    assert Inquiry.objects.get().spam_reason == ""


def test_expired_token_on_a_trek_page_comes_back_on_the_trek_page(client):
    trek = make_trek(name="Lares Trek")
    old = tokens.new_form_token(rendered_at=time.time() - 3 * 24 * 3600)
    url = reverse("inquiries:trek_request", kwargs={"slug": trek.slug})
    body = client.post(url, inquiry_post_data(form_token=old, group_size="99")).content.decode()
    assert "<h1" in body and "Lares Trek" in body
    assert "press send again" in body
    assert 'value="99"' in body  # and the error of the bad field is shown too
    assert Inquiry.objects.count() == 0


def test_a_token_just_under_the_age_limit_is_accepted(client, settings):
    settings.INQUIRY_FORM_TOKEN_MAX_AGE = 3600
    token = tokens.new_form_token(rendered_at=time.time() - 3500)
    assert client.post(CONTACT, inquiry_post_data(form_token=token)).status_code == 302
    assert Inquiry.objects.count() == 1


def test_honeypot_is_hidden_from_people(client):
    body = client.get(CONTACT).content.decode()
    import re

    assert re.search(r'class="d-none"\s+aria-hidden="true">\s*<div id="div_id_website"', body)
    assert 'name="website" autocomplete="off" tabindex="-1"' in body


def _thanks_with_cookie(client, value):
    client.cookies[THANKS_COOKIE] = value
    return client.get(reverse("inquiries:thanks"))


def test_thank_you_cookie_cannot_be_forged(client):
    inquiry = make_inquiry(name="Somebody Else")
    for guess in (inquiry.idempotency_key.hex, str(inquiry.pk), "x" * 40):
        response = _thanks_with_cookie(client, guess)
        assert response.status_code == 200
        assert "Somebody Else" not in response.content.decode()


def test_thank_you_page_stops_showing_details_after_a_day(client):
    from unittest import mock

    inquiry = make_inquiry(name="Ana Quispe")
    token = tokens.thanks_token(inquiry.idempotency_key)
    assert "Ana Quispe" in _thanks_with_cookie(client, token).content.decode()
    later = time.time() + tokens.THANKS_MAX_AGE + 60
    with mock.patch("django.core.signing.time.time", return_value=later):
        body = _thanks_with_cookie(client, token).content.decode()
    assert "Ana Quispe" not in body
    assert "no longer shows the details" in body


def test_thank_you_for_an_unknown_key_shows_no_details(client):
    response = _thanks_with_cookie(client, tokens.thanks_token(uuid.uuid4()))
    assert response.status_code == 200
    assert "What you sent us" not in response.content.decode()


def test_the_thank_you_address_carries_no_token(client):
    """The address is written to every access log on the way (gunicorn's, a proxy's): it must
    not name the request. The signed token travels in an HttpOnly cookie instead."""
    response = client.post(CONTACT, inquiry_post_data())
    assert response["Location"] == reverse("inquiries:thanks") == "/contact/thanks/"
    cookie = response.cookies[THANKS_COOKIE]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    assert cookie["max-age"] == tokens.THANKS_MAX_AGE
    assert tokens.read_thanks_token(cookie.value) == Inquiry.objects.get().idempotency_key


def test_the_thank_you_page_says_private_once(client):
    client.post(CONTACT, inquiry_post_data())
    response = client.get(reverse("inquiries:thanks"))
    parts = [part.strip() for part in response.headers["Cache-Control"].split(",")]
    assert parts.count("private") == 1
    assert "no-store" in parts


def test_the_form_does_not_take_or_advertise_put(client):
    response = client.options(CONTACT)
    allowed = {m.strip() for m in response.headers["Allow"].split(",")}
    assert allowed == {"GET", "POST", "HEAD", "OPTIONS"}
    trek = make_trek()
    for url in (CONTACT, reverse("inquiries:trek_request", kwargs={"slug": trek.slug})):
        assert client.put(url, "travel_date=2030-01-01").status_code == 405
    assert Inquiry.objects.count() == 0


# --- Rate limit --------------------------------------------------------------------------------


def _post(client, **extra):
    return client.post(CONTACT, inquiry_post_data(), **extra)


def test_rate_limit_returns_a_429_page_in_the_site_style(client, settings):
    settings.INQUIRY_RATE_LIMIT = (2, 3600)
    assert _post(client).status_code == 302
    assert _post(client).status_code == 302
    response = _post(client)
    assert response.status_code == 429
    assert response["Retry-After"] == "3600"
    body = response.content.decode()
    assert "Too many requests" in body
    assert "+51 914 939913" in body
    assert Inquiry.objects.count() == 2


def test_rate_limited_traveller_gets_back_what_they_typed_escaped(client, settings):
    settings.INQUIRY_RATE_LIMIT = (1, 3600)
    _post(client)
    message = "We are <b>four</b> and want the 3-day route in May."
    response = client.post(CONTACT, inquiry_post_data(message=message, name="Kiri Tane"))
    assert response.status_code == 429
    body = response.content.decode()
    assert "What you wrote, so that nothing is lost" in body
    assert "Kiri Tane" in body
    assert "We are &lt;b&gt;four&lt;/b&gt; and want the 3-day route in May." in body


def test_rate_limit_off_lets_every_request_through(client, settings):
    settings.INQUIRY_RATE_LIMIT = None
    for _ in range(12):
        assert _post(client).status_code == 302
    assert Inquiry.objects.count() == 12


def test_default_rate_limit_is_ten_an_hour(client, settings):
    assert settings.INQUIRY_RATE_LIMIT == (10, 3600)
    statuses = [_post(client).status_code for _ in range(11)]
    assert statuses == [302] * 10 + [429]


def test_forwarded_for_from_an_untrusted_client_is_ignored(client, settings):
    settings.INQUIRY_RATE_LIMIT = (1, 3600)
    settings.TRUSTED_PROXIES = []
    assert _post(client, HTTP_X_FORWARDED_FOR="203.0.113.1").status_code == 302
    # A new made-up address does not buy a new allowance.
    assert _post(client, HTTP_X_FORWARDED_FOR="203.0.113.2").status_code == 429
    assert Inquiry.objects.get().client_ip == "127.0.0.1"


def test_forwarded_for_from_a_trusted_proxy_names_the_client(client, settings):
    import ipaddress

    settings.INQUIRY_RATE_LIMIT = (1, 3600)
    settings.TRUSTED_PROXIES = [ipaddress.ip_network("127.0.0.0/8")]
    # A client may put anything at the left of the header; the proxy appends the real address.
    assert _post(client, HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.7").status_code == 302
    assert Inquiry.objects.get().client_ip == "198.51.100.7"
    # Another client behind the same proxy has its own allowance...
    assert _post(client, HTTP_X_FORWARDED_FOR="198.51.100.8").status_code == 302
    # ...and the first one is limited, whatever it writes in front.
    assert _post(client, HTTP_X_FORWARDED_FOR="9.9.9.9, 198.51.100.7").status_code == 429


class DownCache:
    """A cache backend whose server is unreachable, as Redis is when it is down."""

    def __init__(self, *args, **kwargs):
        pass

    def close(self, **kwargs):
        pass

    def __getattr__(self, name):
        def fail(*args, **kwargs):
            raise ConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

        return fail


def test_rate_limit_keeps_counting_when_the_cache_is_down(client, settings):
    """The counter lives in the database (operator_site.ratelimit): a Redis outage neither
    stops the form nor lifts the limit."""
    settings.INQUIRY_RATE_LIMIT = (1, 3600)
    settings.CACHES = {"default": {"BACKEND": "tests.test_inquiry_protection.DownCache"}}
    assert _post(client).status_code == 302
    assert _post(client).status_code == 429
    assert Inquiry.objects.count() == 1


def test_trek_form_is_limited_like_the_contact_form(client, settings):
    settings.INQUIRY_RATE_LIMIT = (1, 60)
    trek = make_trek()
    url = reverse("inquiries:trek_request", kwargs={"slug": trek.slug})
    assert client.post(url, inquiry_post_data()).status_code == 302
    assert client.post(url, inquiry_post_data()).status_code == 429


def test_each_visitor_gets_the_request_form_with_a_csrf_token_of_their_own():
    """The trek page is stored once for everyone: the first visitor's CSRF token must never
    stay in it. Both visitors post with CSRF checks on, as browsers do."""
    from django.middleware.csrf import _unmask_cipher_token
    from django.test import Client

    trek = make_trek()
    ana, ben = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    pages = {}
    for visitor in (ana, ben):
        html = visitor.get(trek.get_absolute_url()).content.decode()
        form = html[html.index('<form class="inquiry-form"') :]
        pages[visitor] = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)

    for visitor, token in pages.items():
        assert _unmask_cipher_token(token) == visitor.cookies["csrftoken"].value
    assert _unmask_cipher_token(pages[ana]) != _unmask_cipher_token(pages[ben])
    action = reverse("inquiries:trek_request", kwargs={"slug": trek.slug})
    response = ben.post(action, inquiry_post_data(csrfmiddlewaretoken=pages[ben]))
    assert response.status_code == 302
    assert Inquiry.objects.count() == 1
