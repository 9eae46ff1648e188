"""Every request reaches staff: e-mails go out after the row is committed, failures are
recorded and retried, and no e-mail is ever sent twice."""

import datetime
import smtplib

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.urls import reverse
from django.utils import timezone

from inquiries import notifications
from inquiries.models import Inquiry
from tests.factories import inquiry_post_data, make_inquiry, make_trek, queue_emails, send_outbox

pytestmark = pytest.mark.django_db

CONTACT = "/contact/"


class BrokenSMTPBackend(BaseEmailBackend):
    """The mail server is down."""

    def send_messages(self, email_messages):
        raise smtplib.SMTPConnectError(421, "mail.example.com: service not available")


class TimeoutBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise TimeoutError("timed out")


@pytest.fixture
def notify(settings):
    settings.INQUIRY_NOTIFY_EMAILS = ["sales@salkantaytrekmachu.example"]
    settings.DEFAULT_FROM_EMAIL = "Salkantay Trek Machu <info@salkantaytrekmachu.example>"
    settings.SITE_URL = "https://www.salkantaytrekmachu.example"
    return settings


def _post(client, capture, url=CONTACT, **data):
    """Post the form, then run send_outbox once, as cron does every minute."""
    with capture(execute=True):
        response = client.post(url, inquiry_post_data(**data))
    send_outbox()
    return response


def test_valid_request_sends_staff_notification_and_confirmation(
    client, django_capture_on_commit_callbacks, notify
):
    trek = make_trek(name="Lares Trek")
    url = reverse("inquiries:trek_request", kwargs={"slug": trek.slug})
    response = _post(client, django_capture_on_commit_callbacks, url, email="ana@example.com")
    assert response.status_code == 302
    assert Inquiry.objects.count() == 1
    assert len(mail.outbox) == 2
    staff, confirmation = mail.outbox
    inquiry = Inquiry.objects.get()

    assert staff.to == ["sales@salkantaytrekmachu.example"]
    assert staff.from_email == "Salkantay Trek Machu <info@salkantaytrekmachu.example>"
    assert staff.reply_to == ["ana@example.com"]
    assert "Lares Trek" in staff.subject and "Ana Quispe" in staff.subject
    admin_link = (
        f"https://www.salkantaytrekmachu.example/admin/inquiries/inquiry/{inquiry.pk}/change/"
    )
    assert admin_link in staff.body
    html, mimetype = staff.alternatives[0]
    assert mimetype == "text/html"
    assert f'href="{admin_link}"' in html
    assert "Do you have places in the second week?" in staff.body

    assert confirmation.to == ["ana@example.com"]
    assert confirmation.from_email == "Salkantay Trek Machu <info@salkantaytrekmachu.example>"
    assert confirmation.reply_to == ["sales@salkantaytrekmachu.example"]
    assert "Lares Trek" in confirmation.body
    assert confirmation.alternatives[0][1] == "text/html"

    assert list(inquiry.outbox_messages.values_list("status", "attempts")) == [("sent", 1)] * 2


def test_the_emails_are_queued_with_the_request_and_sent_by_send_outbox_only(client):
    client.post(CONTACT, inquiry_post_data())
    inquiry = Inquiry.objects.get()
    assert mail.outbox == []  # nothing is sent while the traveller waits
    kinds = set(inquiry.outbox_messages.values_list("kind", flat=True))
    assert kinds == {"staff_notification", "confirmation"}
    send_outbox()
    assert len(mail.outbox) == 2


def test_html_typed_by_the_traveller_is_escaped_in_the_html_emails(
    client, django_capture_on_commit_callbacks
):
    _post(
        client,
        django_capture_on_commit_callbacks,
        name="<img src=x onerror=alert(1)>",
        message="<script>alert('x')</script>",
    )
    staff, confirmation = mail.outbox
    staff_html = staff.alternatives[0][0]
    assert "<script>" not in staff_html and "&lt;script&gt;" in staff_html
    assert "<img src=x" not in staff_html and "&lt;img src=x" in staff_html
    assert "<img src=x" not in confirmation.alternatives[0][0]
    # The plain text part shows it as typed: text is not HTML.
    assert "<script>alert('x')</script>" in staff.body


def test_confirmation_does_not_repeat_the_free_text_message(
    client, django_capture_on_commit_callbacks
):
    # Anyone can type someone else's address: the confirmation must not carry their words.
    _post(client, django_capture_on_commit_callbacks, message="Buy cheap watches at spam.example")
    confirmation = mail.outbox[1]
    assert "spam.example" not in confirmation.body
    assert "spam.example" not in confirmation.alternatives[0][0]


def test_subject_has_no_line_breaks_even_if_the_data_had_them():
    inquiry = make_inquiry(name="Ana\nBcc: victim@example.com")
    message = notifications.staff_message(inquiry)
    assert "\n" not in message.subject and "\r" not in message.subject


def test_email_failure_keeps_the_row_and_send_outbox_retries_it(
    client, django_capture_on_commit_callbacks, settings
):
    settings.EMAIL_BACKEND = "tests.test_inquiry_notifications.BrokenSMTPBackend"
    response = _post(client, django_capture_on_commit_callbacks)
    # The traveller sees the ordinary thank-you page.
    assert response.status_code == 302
    assert response["Location"].startswith("/contact/thanks/")
    assert client.get(response["Location"]).status_code == 200
    inquiry = Inquiry.objects.get()
    assert len(mail.outbox) == 0
    messages = inquiry.outbox_messages.all()
    assert {(m.status, m.attempts) for m in messages} == {("queued", 1)}
    assert all("SMTPConnectError" in m.last_error for m in messages)
    assert all(m.not_before > timezone.now() for m in messages)  # the pause after a failure

    # The mail server is back; once the pause is over the next run sends both, once.
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    send_outbox()
    assert mail.outbox == []  # still within the pause
    messages.update(not_before=timezone.now())
    send_outbox()
    send_outbox()
    assert len(mail.outbox) == 2
    assert {(m.status, m.attempts) for m in messages} == {("sent", 2)}


def test_email_timeout_is_set(settings):
    assert settings.EMAIL_TIMEOUT == 10


# --- The confirmation relays nothing a stranger typed (issue 12, item 5) ----------------------

LINK_LIKE_NAMES = [
    "Claim refund at http://evil.example/r",
    "Claim refund at evil.example",
    "Write to refunds@evil.example",
    "Visit www example",
    "Go to evil．example",  # a full-width dot
    "Go to evil。example",  # an ideographic full stop, a dot to IDNA
    "Call +1 900 555 0100 now",
    "evil.example/r",
]


@pytest.mark.parametrize("name", LINK_LIKE_NAMES)
def test_confirmation_to_any_address_carries_no_link_from_the_name(
    client, django_capture_on_commit_callbacks, notify, name
):
    trek = make_trek(name="Lares Trek")
    url = reverse("inquiries:trek_request", kwargs={"slug": trek.slug})
    _post(client, django_capture_on_commit_callbacks, url, name=name, email="victim@example.net")
    staff, confirmation = mail.outbox
    assert confirmation.to == ["victim@example.net"]
    assert confirmation.subject == "Your request to Salkantay Trek Machu: Lares Trek"
    html = confirmation.alternatives[0][0]
    for text in (confirmation.subject, confirmation.body, html):
        assert name not in text
        assert "evil" not in text
        assert "900 555" not in text
    assert confirmation.body.startswith("Hello,\n")
    assert "<p>Hello,</p>" in html
    assert name in staff.body  # staff see everything the traveller typed


def test_confirmation_greets_a_plain_name_with_a_fixed_subject(
    client, django_capture_on_commit_callbacks, notify
):
    _post(client, django_capture_on_commit_callbacks, name="José María O'Neill-Quispe")
    confirmation = mail.outbox[1]
    assert confirmation.subject == "Your request to Salkantay Trek Machu: general request"
    assert confirmation.body.startswith("Hello José María O'Neill-Quispe,")


def test_at_most_three_confirmations_per_address_per_day_staff_always_told(
    client, django_capture_on_commit_callbacks, notify
):
    addresses = ["victim@example.net", "VICTIM@example.net", "victim+1@Example.NET"] * 2
    for index, address in enumerate(addresses):
        _post(client, django_capture_on_commit_callbacks, email=address, group_size=str(index + 1))
    confirmations = [m for m in mail.outbox if m.to != notify.INQUIRY_NOTIFY_EMAILS]
    staff = [m for m in mail.outbox if m.to == notify.INQUIRY_NOTIFY_EMAILS]
    assert len(staff) == 6
    assert len(confirmations) == 3
    assert Inquiry.objects.count() == 6
    withheld = Inquiry.objects.filter(confirmation_withheld="daily_limit")
    assert withheld.count() == 3
    assert not withheld.filter(outbox_messages__kind="confirmation").exists()
    # Nothing is left for send_outbox to send: a withheld confirmation is not owed.
    assert Inquiry.objects.notification_pending().count() == 0
    # Another address is not affected.
    _post(client, django_capture_on_commit_callbacks, email="ana@example.com")
    assert mail.outbox[-1].to == ["ana@example.com"]


def test_the_daily_count_starts_again_the_next_day(notify):
    from unittest import mock

    from inquiries.models import ConfirmationCount

    notify.INQUIRY_CONFIRMATIONS_PER_DAY = 1
    for _ in range(2):
        queue_emails(make_inquiry(email="ana@example.com"))
    send_outbox()
    assert len([m for m in mail.outbox if m.to == ["ana@example.com"]]) == 1
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with mock.patch("django.utils.timezone.localdate", return_value=tomorrow):
        queue_emails(make_inquiry(email="ana@example.com"))
    send_outbox()
    assert len([m for m in mail.outbox if m.to == ["ana@example.com"]]) == 2
    assert sorted(ConfirmationCount.objects.values_list("sent", flat=True)) == [1, 1]


def _queue_at_once(inquiries):
    """Queue each request's e-mails in its own thread, all released by one barrier; returns
    when each thread was inside queue_for (monotonic begin, end)."""
    import threading
    import time

    from django.db import connections

    start, intervals, errors = threading.Barrier(len(inquiries)), [], []

    def run(inquiry):
        try:
            start.wait(timeout=30)
            began = time.monotonic()
            try:
                queue_emails(inquiry)
            finally:
                intervals.append((began, time.monotonic()))
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(inquiry,)) for inquiry in inquiries]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not [t for t in threads if t.is_alive()], "a racer never finished"
    assert errors == []
    return intervals


def _some_overlapped(intervals):
    return any(a < d and c < b for i, (a, b) in enumerate(intervals) for c, d in intervals[i + 1 :])


@pytest.mark.django_db(transaction=True)
def test_concurrent_confirmations_to_one_address_never_pass_the_cap(settings):
    settings.INQUIRY_CONFIRMATIONS_PER_DAY = 2
    # A race is only a race if the racers were inside at the same time: a round in which the
    # threads happened to run one after another proves nothing, so rounds go on (each with an
    # address of its own and the cap checked every time) until one has overlapped.
    overlapped = False
    for round_ in range(5):
        address = f"victim{round_}@example.net"
        inquiries = [make_inquiry(email=address) for _ in range(6)]
        intervals = _queue_at_once(inquiries)
        assert (
            Inquiry.objects.filter(email=address, confirmation_withheld="daily_limit").count() == 4
        )
        overlapped = _some_overlapped(intervals)
        if overlapped:
            break
    assert overlapped, "the racers never ran at the same time"
    send_outbox()
    assert len([m for m in mail.outbox if m.to == [address]]) == 2


# --- A bad address never stops the staff notification (item 6) --------------------------------


@pytest.mark.parametrize(
    "stored",
    [
        "ana@gmail.com\u200e",  # stored before the form refused it: UnicodeError on every try
        "ana@\u202emoc.liamg",
        "an\u200ba@gmail.com",
        "ana\r\nBcc: x@example.com@gmail.com",
    ],
)
def test_staff_are_told_without_reply_to_when_the_address_cannot_be_used(notify, stored):
    inquiry = queue_emails(make_inquiry(email=stored))
    assert "sent 1, failed 0" in send_outbox()
    (staff,) = mail.outbox
    assert staff.to == ["sales@salkantaytrekmachu.example"]
    assert staff.reply_to == []
    assert "This address cannot be used to send mail" in staff.body
    assert "This address cannot be used to send mail" in staff.alternatives[0][0]
    staff.message()  # the whole message can be built: nothing in it breaks a header
    inquiry.refresh_from_db()
    assert inquiry.confirmation_withheld == "unusable_address"
    assert Inquiry.objects.notification_pending().count() == 0


def test_an_international_domain_is_shown_as_typed_and_mailed_to_its_ascii_form(
    client, django_capture_on_commit_callbacks, notify
):
    _post(client, django_capture_on_commit_callbacks, email="ana@BÜCHER.example")
    inquiry = Inquiry.objects.get()
    assert inquiry.email == "ana@bücher.example"  # IDNA's one display form: what staff see
    staff, confirmation = mail.outbox
    assert confirmation.to == ["ana@xn--bcher-kva.example"]
    assert staff.reply_to == ["ana@xn--bcher-kva.example"]
    assert "ana@bücher.example (mail goes to ana@xn--bcher-kva.example)" in staff.body
    assert "ana@xn--bcher-kva.example" in confirmation.message()["To"]


def test_idna_2008_is_used_where_python_would_map_the_domain_to_another():
    """Python's own codec (IDNA 2003) turns "ß" into "ss": mail for faß.example would go to
    fass.example, another domain. The address is sent to the one staff see."""
    from inquiries.validators import mail_address, normalise_email_domain

    assert normalise_email_domain("ana@Faß.example") == "ana@faß.example"
    assert mail_address("ana@faß.example") == "ana@xn--fa-hia.example"
