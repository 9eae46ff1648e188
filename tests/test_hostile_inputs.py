"""The hostile inputs of issue 12 in one run, counted as the issue's note wants them: tried,
refused with a clear message, stored as suspected spam, stored as a person's request, stored
wrongly (must be 0), 500s (must be 0). Run with `-s` to see the table."""

import time
from collections import Counter

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from inquiries import tokens
from inquiries.models import Inquiry
from tests.conftest import verified_login
from tests.factories import inquiry_post_data, make_trek, send_outbox
from tests.test_inquiry_form import BAD_INPUT
from tests.test_inquiry_notifications import LINK_LIKE_NAMES
from tests.test_security_bad_input import NUL_QUERIES

pytestmark = pytest.mark.django_db

REFUSED, SPAM, STORED, SEND_AGAIN = "refused", "spam", "stored", "send again"


def _bot_inputs():
    now = time.time()
    fast, old = tokens.new_form_token(rendered_at=now - 0.3), now - 3 * 24 * 3600
    tampered = tokens.new_form_token()[:-3] + "abc"
    to_stranger = [
        (f"name {name!r} to a stranger", {"name": name, "email": "victim@example.net"}, STORED)
        for name in LINK_LIKE_NAMES
    ]
    return [
        ("honeypot filled", {"website": "http://spam.example"}, SPAM),
        ("honeypot filled by autofill", {"website": "Ana Quispe"}, SPAM),
        ("sent 0.3 s after the page", {"form_token": fast}, SPAM),
        ("no form token", {"form_token": ""}, SPAM),
        ("forged form token", {"form_token": "forged"}, SPAM),
        ("tampered form token", {"form_token": tampered}, SPAM),
        (
            "form token three days old",
            {"form_token": tokens.new_form_token(rendered_at=old)},
            SEND_AGAIN,
        ),
        ("IDN domain in capitals", {"email": "ana@BÜCHER.example"}, STORED),
        *to_stranger,
    ]


def test_hostile_inputs_are_refused_or_marked_and_none_is_stored_wrongly(
    django_user_model, settings, django_capture_on_commit_callbacks
):
    settings.INQUIRY_RATE_LIMIT = None  # every input comes from one address; counted elsewhere
    client = Client(raise_request_exception=False)
    trek = make_trek(group_size_max=12)
    url = reverse("inquiries:trek_request", kwargs={"slug": trek.slug})
    counts, wrong = Counter(), []

    def outcome(label, response, expected, before, refusal=None):
        """`refusal(response)`: for a REFUSED input, whether the answer says why."""
        counts["tried"] += 1
        new = list(Inquiry.objects.exclude(pk__in=before))
        if response.status_code >= 500:
            counts["500"] += 1
            wrong.append((label, response.status_code))
            return
        if expected == REFUSED:
            ok = not new and refusal(response)
        elif expected == SEND_AGAIN:
            ok = (
                response.status_code == 200
                and not new
                and "press send again" in (response.content.decode())
            )
        else:
            spam = Inquiry.SpamReason.values if expected == SPAM else [""]
            ok = response.status_code == 302 and len(new) == 1 and new[0].spam_reason in spam
        counts[expected] += ok
        if not ok:
            wrong.append((label, response.status_code, [i.spam_reason for i in new]))

    def pks():
        return list(Inquiry.objects.values_list("pk", flat=True))

    def next_to_the_field(field, message):
        def said(response):
            errors = response.context["inquiry_form"].errors if response.context else {}
            return response.status_code == 200 and any(message in m for m in errors.get(field, []))

        return said

    def page_saying(status, text):
        return lambda response: response.status_code == status and text in response.text

    for field, value, message in BAD_INPUT:
        before = pks()
        response = client.post(url, inquiry_post_data(**{field: value}))
        outcome(field, response, REFUSED, before, next_to_the_field(field, message))
    for label, data, expected in _bot_inputs():
        before = pks()
        with django_capture_on_commit_callbacks(execute=True):  # the e-mails, as after commit
            response = client.post(url, inquiry_post_data(**data))
        outcome(label, response, expected, before)
    staff = Client(raise_request_exception=False)
    verified_login(staff, django_user_model.objects.create_superuser("s", "", "a-long-test-pass"))
    for name, query in NUL_QUERIES:
        before = pks()
        response = staff.get(f"{reverse(name)}?{query}")
        outcome(
            f"NUL {query}", response, REFUSED, before,
            page_saying(400, "We could not understand that request"),
        )  # fmt: skip
    before = pks()
    response = client.put(url, "name=x")
    outcome(
        "PUT on the form", response, REFUSED, before,
        lambda r: r.status_code == 405 and "POST" in r.headers.get("Allow", ""),
    )  # fmt: skip
    cross_site = Client(enforce_csrf_checks=True, raise_request_exception=False)
    before = pks()
    response = cross_site.post(
        url, inquiry_post_data(name="Call +1 900"), HTTP_ORIGIN="https://evil.example"
    )
    outcome(
        "POST from another site", response, REFUSED, before,
        page_saying(403, "We could not accept this form"),
    )  # fmt: skip

    # The link-like names reached a stranger's address: the confirmations carry none of them,
    # and after three a day that address gets no more.
    send_outbox()
    to_victim = [m for m in mail.outbox if m.to == ["victim@example.net"]]
    relayed = [m for m in to_victim for name in LINK_LIKE_NAMES if name in m.body]
    table = [
        ("hostile inputs tried", counts["tried"]),
        (
            "refused with a clear message (next to the field, 400, 403, 405 + Allow)",
            counts[REFUSED],
        ),
        ("stored as suspected spam (no e-mail until 'not spam')", counts[SPAM]),
        ("form token expired: form shown again with the text", counts[SEND_AGAIN]),
        ("stored as a person's request (IDN, link-like names)", counts[STORED]),
        ("confirmations to the stranger's address (of 8 requests)", len(to_victim)),
        ("confirmations relaying the name's text", len(relayed)),
        ("stored wrongly / answered wrongly", len(wrong)),
        ("500s", counts["500"]),
    ]
    print("\n" + "\n".join(f"| {label} | {value} |" for label, value in table))
    assert wrong == [], wrong
    assert counts["500"] == 0
    assert relayed == []
    assert len(to_victim) == 3
    # Suspected spam (all sent as ana@example.com) has had no e-mail, to staff or to it.
    assert not [m for m in mail.outbox if m.to == ["ana@example.com"]]
    assert len(mail.outbox) == 9 + 1 + 3  # staff for the 9 stored, the IDN address, victim
    assert counts["tried"] == len(BAD_INPUT) + len(_bot_inputs()) + len(NUL_QUERIES) + 2
    assert counts[SPAM] == 6
