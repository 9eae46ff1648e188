"""Every request reaches staff: e-mails go out after the row is committed, failures are
recorded and retried, and no e-mail is ever sent twice."""

import datetime
import smtplib
import threading
import time

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


class Racers:
    """Threads that run one function at the same moment and record when each was inside it,
    so that a test can prove they overlapped. While `gate` is set on the mail backend, a
    racer that reaches the mail server is held there until every racer has begun: the one
    that got there first is still sending while the others try."""

    gate = None  # the running race's "every racer has begun" event (one race at a time)

    def __init__(self, count):
        self.start = threading.Barrier(count)
        self.all_in = threading.Event()
        self.count = count
        self.entered, self.intervals, self.errors = [], [], []
        self._lock = threading.Lock()

    def run(self, target, args_list):
        from django.db import connections

        def racer(*args):
            try:
                self.start.wait(timeout=30)
                began = time.monotonic()
                with self._lock:
                    self.entered.append(began)
                    if len(self.entered) == self.count:
                        self.all_in.set()
                try:
                    target(*args)
                finally:
                    self.intervals.append((began, time.monotonic()))
            except Exception as error:  # pragma: no cover - reported by the test
                self.errors.append(error)
            finally:
                connections.close_all()

        Racers.gate = self.all_in
        threads = [threading.Thread(target=racer, args=args) for args in args_list]
        try:
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=60)
        finally:
            Racers.gate = None
        assert not [t for t in threads if t.is_alive()], "a racer never finished"
        return self

    def overlapped(self):
        """Every racer was inside at one same instant: the latest start came before the
        earliest end."""
        return len(self.intervals) == self.count and max(b for b, _ in self.intervals) < min(
            e for _, e in self.intervals
        )


class SlowBackend(BaseEmailBackend):
    """A mail server that holds the first sender until every racer has begun (Racers), so
    that concurrent senders overlap."""

    def send_messages(self, email_messages):
        if Racers.gate is not None:
            assert Racers.gate.wait(timeout=30), "the other racers never began"
        mail.outbox.extend(email_messages)
        return len(email_messages)


@pytest.mark.django_db(transaction=True)
def test_concurrent_retry_runs_never_send_twice(settings):
    settings.EMAIL_BACKEND = "tests.test_inquiry_notifications.SlowBackend"
    mail.outbox = []
    for _ in range(4):
        make_inquiry()

    race = Racers(3).run(lambda: call_command("send_pending_notifications"), [()] * 3)
    assert race.errors == []
    assert race.overlapped(), race.intervals
    assert len(mail.outbox) == 8  # 4 requests × (staff + confirmation), none twice
    assert Inquiry.objects.notification_pending().count() == 0


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
    assert not withheld.filter(confirmation_sent_at__isnull=False).exists()
    # Nothing is left for the retry command to send: a withheld confirmation is not owed.
    assert Inquiry.objects.notification_pending().count() == 0
    # Another address is not affected.
    _post(client, django_capture_on_commit_callbacks, email="ana@example.com")
    assert mail.outbox[-1].to == ["ana@example.com"]


def test_the_daily_count_starts_again_the_next_day(notify):
    from unittest import mock

    from inquiries.models import ConfirmationCount

    notify.INQUIRY_CONFIRMATIONS_PER_DAY = 1
    for _ in range(2):
        notifications.deliver(make_inquiry(email="ana@example.com").pk)
    assert len([m for m in mail.outbox if m.to == ["ana@example.com"]]) == 1
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with mock.patch("django.utils.timezone.localdate", return_value=tomorrow):
        notifications.deliver(make_inquiry(email="ana@example.com").pk)
    assert len([m for m in mail.outbox if m.to == ["ana@example.com"]]) == 2
    assert sorted(ConfirmationCount.objects.values_list("sent", flat=True)) == [1, 1]


def test_a_failed_confirmation_does_not_use_up_the_days_count(notify):
    from inquiries.models import ConfirmationCount

    notify.INQUIRY_CONFIRMATIONS_PER_DAY = 1
    notify.EMAIL_BACKEND = "tests.test_inquiry_notifications.BrokenSMTPBackend"
    inquiry = make_inquiry(email="ana@example.com")
    assert notifications.deliver(inquiry.pk) == notifications.FAILED
    assert ConfirmationCount.objects.get().sent == 0
    notify.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    Inquiry.objects.filter(pk=inquiry.pk).update(notify_claimed_until=None)
    assert notifications.deliver(inquiry.pk) == notifications.SENT
    assert [m.to for m in mail.outbox] == [notify.INQUIRY_NOTIFY_EMAILS, ["ana@example.com"]]


@pytest.mark.django_db(transaction=True)
def test_concurrent_confirmations_to_one_address_never_pass_the_cap(settings):
    settings.INQUIRY_CONFIRMATIONS_PER_DAY = 2
    settings.EMAIL_BACKEND = "tests.test_inquiry_notifications.SlowBackend"
    mail.outbox = []
    pks = [make_inquiry(email="victim@example.net").pk for _ in range(6)]

    race = Racers(len(pks)).run(notifications.deliver, [(pk,) for pk in pks])
    assert race.errors == []
    assert race.overlapped(), race.intervals
    assert len([m for m in mail.outbox if m.to == ["victim@example.net"]]) == 2
    assert Inquiry.objects.filter(confirmation_withheld="daily_limit").count() == 4


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
    inquiry = make_inquiry(email=stored)
    assert notifications.deliver(inquiry.pk) == notifications.SENT
    (staff,) = mail.outbox
    assert staff.to == ["sales@salkantaytrekmachu.example"]
    assert staff.reply_to == []
    assert "This address cannot be used to send mail" in staff.body
    assert "This address cannot be used to send mail" in staff.alternatives[0][0]
    staff.message()  # the whole message can be built: nothing in it breaks a header
    inquiry.refresh_from_db()
    assert inquiry.staff_notified_at is not None
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
