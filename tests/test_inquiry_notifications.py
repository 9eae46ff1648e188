"""Every request reaches staff: e-mails go out after the row is committed, failures are
recorded and retried, and no e-mail is ever sent twice."""

import datetime
import smtplib

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from inquiries import notifications
from inquiries.models import Inquiry
from tests.factories import inquiry_post_data, make_inquiry, make_trek

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
    with capture(execute=True):
        return client.post(url, inquiry_post_data(**data))


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

    assert inquiry.staff_notified_at is not None
    assert inquiry.confirmation_sent_at is not None
    assert inquiry.notify_attempts == 1
    assert inquiry.notify_last_error == ""


def test_no_email_is_sent_before_the_row_is_committed(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        client.post(CONTACT, inquiry_post_data())
    assert Inquiry.objects.count() == 1
    assert mail.outbox == []
    assert len(callbacks) == 1


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


def test_email_failure_keeps_the_row_sends_nothing_and_records_it(
    client, django_capture_on_commit_callbacks, settings, caplog
):
    settings.EMAIL_BACKEND = "tests.test_inquiry_notifications.BrokenSMTPBackend"
    response = _post(client, django_capture_on_commit_callbacks)
    # The traveller sees the ordinary thank-you page.
    assert response.status_code == 302
    assert response["Location"].startswith("/contact/thanks/")
    assert client.get(response["Location"]).status_code == 200
    assert Inquiry.objects.count() == 1
    assert len(mail.outbox) == 0
    inquiry = Inquiry.objects.get()
    assert inquiry.staff_notified_at is None
    assert inquiry.confirmation_sent_at is None
    assert inquiry.notify_attempts == 1
    assert "SMTPConnectError" in inquiry.notify_last_error
    assert inquiry.notify_claimed_until is None  # free for the retry command
    assert "staff e-mail for inquiry" in caplog.text

    # The mail server is back: the retry command sends both, once.
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    call_command("send_pending_notifications")
    assert len(mail.outbox) == 2
    inquiry.refresh_from_db()
    assert inquiry.staff_notified_at is not None
    assert inquiry.confirmation_sent_at is not None
    assert inquiry.notify_attempts == 2
    assert inquiry.notify_last_error == ""


def test_timeout_is_recorded_like_any_other_failure(
    client, django_capture_on_commit_callbacks, settings
):
    settings.EMAIL_BACKEND = "tests.test_inquiry_notifications.TimeoutBackend"
    assert _post(client, django_capture_on_commit_callbacks).status_code == 302
    assert "TimeoutError" in Inquiry.objects.get().notify_last_error


def test_email_timeout_is_set(settings):
    assert settings.EMAIL_TIMEOUT == 10


def test_retry_command_run_twice_sends_once(settings):
    make_inquiry()
    make_inquiry()
    call_command("send_pending_notifications")
    assert len(mail.outbox) == 4
    call_command("send_pending_notifications")
    assert len(mail.outbox) == 4


def test_retry_sends_only_the_email_that_failed():
    inquiry = make_inquiry(staff_notified_at=timezone.now())
    call_command("send_pending_notifications")
    assert [m.to for m in mail.outbox] == [[inquiry.email]]


def test_row_claimed_by_another_sender_is_left_alone():
    inquiry = make_inquiry()
    # Another server's run (or the request itself) is sending it right now.
    assert notifications.claim(inquiry.pk)
    call_command("send_pending_notifications")
    assert mail.outbox == []
    assert notifications.deliver(inquiry.pk) == notifications.SKIPPED
    assert mail.outbox == []


def test_a_stale_claim_is_taken_over():
    # A sender that died mid-way holds the row only until its claim runs out.
    make_inquiry(notify_claimed_until=timezone.now() - datetime.timedelta(seconds=1))
    call_command("send_pending_notifications")
    assert len(mail.outbox) == 2


def test_retry_command_gives_up_after_max_attempts(settings):
    make_inquiry(notify_attempts=5)
    call_command("send_pending_notifications", "--max-attempts", "5")
    assert mail.outbox == []


def test_retry_command_reports_failures(settings, capsys):
    settings.EMAIL_BACKEND = "tests.test_inquiry_notifications.BrokenSMTPBackend"
    make_inquiry()
    call_command("send_pending_notifications")
    captured = capsys.readouterr()
    assert "sent 0, failed 1" in captured.out
    assert "still unsent" in captured.err


class SlowBackend(BaseEmailBackend):
    """A slow mail server, so that concurrent senders overlap."""

    def send_messages(self, email_messages):
        import time

        time.sleep(0.05)
        mail.outbox.extend(email_messages)
        return len(email_messages)


@pytest.mark.django_db(transaction=True)
def test_concurrent_retry_runs_never_send_twice(settings):
    import threading

    from django.db import connections

    settings.EMAIL_BACKEND = "tests.test_inquiry_notifications.SlowBackend"
    mail.outbox = []
    for _ in range(4):
        make_inquiry()
    errors = []

    def run():
        try:
            call_command("send_pending_notifications")
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert len(mail.outbox) == 8  # 4 requests × (staff + confirmation), none twice
    assert Inquiry.objects.notification_pending().count() == 0
