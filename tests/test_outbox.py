"""The outbox (issue 21): every e-mail is a row written with what causes it and sent by
`manage.py send_outbox` alone. With the mail server down nothing a traveller or staff do
fails and nothing is lost; when it answers again, one run delivers everything, and each
delivery is written once into the request's history."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from desk.models import InquiryEvent, ReplyTemplate
from inquiries.models import Inquiry
from outbox import mail
from outbox.models import Message
from tests.conftest import verified_login
from tests.factories import (
    inquiry_post_data,
    make_departure,
    make_trek,
    make_walk,
    record_payment_in_admin,
    send_outbox,
    set_operator,
)
from tests.mailserver import SMTPServer, mail_server_down
from tests.test_bookings_admin import _booking_data

pytestmark = pytest.mark.django_db

SALES_INBOX = "sales@operator.example"


@pytest.fixture
def smtp(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_TIMEOUT = 5
    settings.INQUIRY_NOTIFY_EMAILS = [SALES_INBOX]
    settings.DEFAULT_FROM_EMAIL = "Salkantay Trek Machu <info@operator.example>"
    set_operator(
        tripadvisor_url="https://www.tripadvisor.com/Attraction_Review-g294314-d1-Lares.html"
    )
    with mail_server_down() as sock:
        settings.EMAIL_PORT = sock.getsockname()[1]
        yield sock


@pytest.fixture
def sales(django_user_model):
    """A member of the Sales group, in a browser of her own."""
    user = django_user_model.objects.create_user(
        "maria", "maria@operator.example", "a-long-test-pass", is_staff=True
    )
    user.groups.add(Group.objects.get(name="Sales"))
    browser = Client()
    verified_login(browser, user)
    return browser


def test_with_the_mail_server_down_nothing_fails_and_one_run_delivers_everything_later(
    smtp, client, sales
):
    trek = make_walk(make_trek(name="Lares Trek"), 3)
    trek.name_es = "Caminata Lares"
    trek.save()
    departure = make_departure(trek, start_date=timezone.localdate() + datetime.timedelta(30))

    # 1. A traveller sends the request form from the Spanish trek page.
    with translation.override("es"):
        url = reverse("inquiries:trek_request", kwargs={"slug": trek.slug})
    response = client.post(url, inquiry_post_data(email="ana@example.com"))
    assert response.status_code == 302
    inquiry = Inquiry.objects.get()
    assert inquiry.language == "es"

    # 2. Staff reply from the request's page (admin).
    template = ReplyTemplate.objects.create(
        name="Fechas", language="es", subject="Su {trek}", body="Hola {name}, hay cupo."
    )
    reply_url = reverse("admin:inquiries_inquiry_reply", args=[inquiry.pk])
    reply = {"template": template.pk, "subject": "Su Lares", "body": "Hola Ana, hay cupo."}
    response = sales.post(reply_url, {**reply, "_send": "1"})
    assert response.status_code == 302

    # 3. Staff book it and e-mail the traveller the link (an admin action).
    response = sales.post(
        reverse("admin:bookings_booking_from_inquiry", args=[inquiry.pk]), _booking_data(departure)
    )
    assert response.status_code == 302
    booking = inquiry.bookings.get()
    # The booking's own scheduled messages (confirmation, reminder...) are switched off here:
    # tests/test_trip_messages.py follows them; this test follows the five above and below.
    booking.trip_messages.update(enabled=False)
    response = sales.post(
        reverse("admin:bookings_booking_changelist"),
        {"action": "send_links", "_selected_action": [booking.pk]},
    )
    assert response.status_code == 302
    # The deposit paid by bank transfer, recorded by staff: the booking is confirmed and the
    # request won (issue 24: a request is won when its deposit is paid).
    record_payment_in_admin(sales, booking, amount=str(booking.deposit_due))

    # 4. Staff ask for a review: the trip ended yesterday.
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    response = sales.post(
        reverse("admin:reviews_reviewrequest_add"),
        {"inquiry": inquiry.pk, "trip_ended_on": yesterday.isoformat(), "send": "on"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]

    # Every message is in the outbox; a run with the server down raises nothing, records the
    # failure, and leaves them queued.
    kinds = sorted(Message.objects.values_list("kind", flat=True))
    assert kinds == [
        "booking_link",
        "confirmation",
        "reply",
        "review_request",
        "staff_notification",
    ]
    assert "sent 0, failed 5" in send_outbox()
    assert set(Message.objects.values_list("status", flat=True)) == {"queued"}
    assert all("ConnectionRefusedError" in m.last_error for m in Message.objects.all())
    failed = InquiryEvent.objects.filter(inquiry=inquiry, kind__in=["email_failed", "reply_failed"])
    assert failed.count() == 5

    # The mail server answers again, on the same port; the pause after the failure is over.
    Message.objects.update(not_before=timezone.now())
    with SMTPServer(sock=smtp) as server:
        assert "sent 5, failed 0" in send_outbox()
        assert "sent 0, failed 0" in send_outbox()  # nothing twice
        received = server.received

    by_subject = {r.subject: r for r in received}
    assert len(received) == 5
    staff = next(r for r in received if r.rcpt_tos == [SALES_INBOX])
    assert staff.subject.startswith("New request: Lares Trek,")  # staff read English
    traveller = {r.subject for r in received if r.rcpt_tos == ["ana@example.com"]}
    assert traveller == {
        "Su solicitud a Salkantay Trek Machu: Caminata Lares"
        if trek.name_es
        else "Su solicitud a Salkantay Trek Machu: Lares Trek",
        "Su Lares",
        f"Su reserva: {trek.name_es or trek.name_en}, {booking.start_date}",
        "¿Qué tal su caminata con Salkantay Trek Machu?",
    }
    assert by_subject["Su Lares"].message["Reply-To"] == "maria@operator.example"
    assert "Hola Ana, hay cupo." in by_subject["Su Lares"].text()
    assert (
        "/es/"
        in by_subject[f"Su reserva: {trek.name_es or trek.name_en}, {booking.start_date}"].text()
    )

    # Each delivery once in the request's history, by the site itself.
    sent = InquiryEvent.objects.filter(inquiry=inquiry, kind__in=["email_sent", "reply_sent"])
    assert sent.count() == 5
    assert sorted(sent.values_list("text", flat=True)) == sorted(
        [
            "Notification to staff",
            "Confirmation to the traveller",
            "Su Lares",
            "Link to the booking",
            "Request for a review",
        ]
    )
    assert not sent.filter(actor__isnull=False).exists()


def test_a_failure_waits_longer_each_time_then_gives_up_and_staff_retry_it(smtp, settings, sales):
    settings.OUTBOX_MAX_ATTEMPTS = 3
    message = mail.queue(kind="reply", to=["ana@example.com"], subject="Hello", body="Hi")
    pauses = []
    for _ in range(3):
        started = timezone.now()
        send_outbox()
        message.refresh_from_db()
        pauses.append(round((message.not_before - started).total_seconds() / 60))
        if message.status == "queued":
            Message.objects.filter(pk=message.pk).update(not_before=timezone.now())
    assert pauses[:2] == [1, 2]  # 1 minute, then 2
    assert message.status == "failed" and message.attempts == 3
    send_outbox()
    assert Message.objects.get(pk=message.pk).attempts == 3  # given up: no more tries

    # Visible in admin, and retried from there; the next run sends it.
    changelist = reverse("admin:outbox_message_changelist")
    page = sales.get(changelist, {"status": "failed"})
    assert "Hello" in page.content.decode()
    sales.post(changelist, {"action": "retry", "_selected_action": [message.pk]})
    message.refresh_from_db()
    assert message.status == "queued" and message.attempts == 0
    with SMTPServer(sock=smtp) as server:
        send_outbox()
        assert [r.subject for r in server.received] == ["Hello"]
    assert Message.objects.get(pk=message.pk).status == "sent"


def test_a_message_waits_for_its_not_before_time(smtp):
    later = timezone.now() + datetime.timedelta(hours=2)
    mail.queue(
        kind="review_request", to=["ana@example.com"], subject="Later", body="x", not_before=later
    )
    with SMTPServer(sock=smtp) as server:
        assert "sent 0" in send_outbox()
        Message.objects.update(not_before=timezone.now())
        assert "sent 1" in send_outbox()
        assert [r.subject for r in server.received] == ["Later"]


def test_a_row_held_by_another_sender_is_left_alone_until_its_claim_runs_out(smtp):
    message = mail.queue(kind="reply", to=["ana@example.com"], subject="Held", body="x")
    assert mail.claim(message.pk) is not None  # another server's run is sending it
    with SMTPServer(sock=smtp) as server:
        assert "sent 0, failed 0, held by another run 0" in send_outbox()
        Message.objects.filter(pk=message.pk).update(
            claimed_until=timezone.now() - datetime.timedelta(seconds=1)
        )  # that run died
        assert "sent 1" in send_outbox()
        assert len(server.received) == 1
