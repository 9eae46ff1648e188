"""The e-mail asking for a review: queued when staff save the review request, with "not before"
the day after the trip, sent by send_outbox alone; once per traveller, in the traveller's
language; staff can switch it off or move the day."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from inquiries.models import Inquiry
from outbox.models import Message
from reviews import requests
from reviews.models import ReviewRequest
from tests.factories import make_inquiry, make_trek, send_outbox, set_operator

pytestmark = pytest.mark.django_db

# The mail server refusing every message, as tests/test_inquiry_notifications.py has it.
BROKEN = "tests.test_inquiry_notifications.BrokenSMTPBackend"
TRIPADVISOR = "https://www.tripadvisor.com/Attraction_Review-g294314-d1-Operator.html"
GOOGLE = "https://g.page/r/operator-cusco/review"


@pytest.fixture(autouse=True)
def _links(db):
    set_operator(tripadvisor_url=TRIPADVISOR, google_reviews_url=GOOGLE)


def _request(ended_days_ago=1, *, status=Inquiry.Status.WON, **inquiry):
    """A review request as staff save one in admin (reviews.requests.schedule)."""
    today = timezone.localdate()
    return requests.schedule(
        ReviewRequest(
            inquiry=make_inquiry(status=status, **inquiry),
            trip_ended_on=today - datetime.timedelta(days=ended_days_ago),
        )
    )


def _run():
    return send_outbox()


def test_traveller_is_asked_once_after_the_trip_with_both_review_links():
    trek = make_trek(name="Lares Trek")
    request = _request(trek=trek, name="Ana")

    _run()
    _run()

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [request.inquiry.email]
    assert "Hello Ana," in message.body
    assert "Lares Trek" in message.body
    assert TRIPADVISOR in message.body and GOOGLE in message.body
    request.refresh_from_db()
    assert request.message.status == "sent"
    assert request.message.attempts == 1


@pytest.mark.parametrize("ended_days_ago", [0, -3])
def test_nothing_is_sent_before_the_trip_has_ended(ended_days_ago):
    request = _request(ended_days_ago)
    _run()
    assert mail.outbox == []
    request.refresh_from_db()
    assert request.message.status == "queued" and request.message.attempts == 0
    # Queued for the start of the day after the trip, in Cusco.
    local = timezone.localtime(request.message.not_before)
    assert local.date() == request.trip_ended_on + datetime.timedelta(days=1)
    assert (local.hour, local.minute) == (0, 0)


def test_e_mail_is_in_the_travellers_language():
    _request(language="es", name="Lucía")
    _run()
    (message,) = mail.outbox
    assert message.subject == "¿Qué tal su caminata con Salkantay Trek Machu?"
    assert message.body.startswith("Hola, Lucía:")
    assert "Escriba una opinión en Tripadvisor:" in message.body


def test_staff_switch_it_off_per_request():
    request = _request()
    request.send = False
    requests.schedule(request)
    _run()
    assert mail.outbox == []
    assert Message.objects.get().status == "cancelled"


def test_a_new_end_of_trip_moves_the_e_mail():
    request = _request(ended_days_ago=-5)
    request.trip_ended_on = timezone.localdate() - datetime.timedelta(days=1)
    requests.schedule(request)
    _run()
    assert len(mail.outbox) == 1
    assert sorted(Message.objects.values_list("status", flat=True)) == ["cancelled", "sent"]


def test_only_won_requests_are_asked():
    _request(status=Inquiry.Status.LOST)
    _run()
    assert mail.outbox == []


def test_a_traveller_with_two_trips_is_asked_once():
    _request(ended_days_ago=10, email="ana@example.com")
    second = _request(ended_days_ago=2, email="ANA@example.com")
    _run()
    assert len(mail.outbox) == 1
    second.refresh_from_db()
    assert second.message is None
    assert second.withheld == "already asked after another trip"


def test_a_failure_is_recorded_and_retried_on_the_next_run(settings):
    request = _request()

    settings.EMAIL_BACKEND = BROKEN
    out = _run()
    request.message.refresh_from_db()
    assert "failed 1" in out
    assert "service not available" in request.message.last_error
    assert request.message.status == "queued"

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    Message.objects.update(not_before=timezone.now())  # the pause after the failure is over
    _run()
    request.message.refresh_from_db()
    assert len(mail.outbox) == 1
    assert request.message.status == "sent"
    assert request.message.attempts == 2
    assert request.message.last_error == ""


def test_without_any_review_link_nothing_is_queued_and_staff_see_why():
    set_operator(tripadvisor_url="", google_reviews_url="")
    request = _request()
    _run()
    assert mail.outbox == []
    assert request.message is None
    assert "no review link set" in request.withheld


def test_a_name_that_looks_like_a_link_is_not_relayed():
    _request(name="Claim refund at evil.example/r")
    _run()
    (message,) = mail.outbox
    assert "evil.example" not in message.body
    assert message.body.startswith("Hello,")


def test_staff_create_a_review_request_on_a_won_request_only(staff_client):
    won = make_inquiry(status=Inquiry.Status.WON)
    new = make_inquiry(status=Inquiry.Status.NEW)
    url = reverse("admin:reviews_reviewrequest_add")

    refused = staff_client.post(url, {"inquiry": new.pk, "trip_ended_on": "2026-05-01"})
    bad_date = staff_client.post(url, {"inquiry": won.pk, "trip_ended_on": "2026-02-31"})
    accepted = staff_client.post(
        url, {"inquiry": won.pk, "trip_ended_on": "2026-05-01", "send": "on"}
    )

    assert refused.status_code == 200
    assert "inquiry" in refused.context["adminform"].form.errors
    assert bad_date.status_code == 200
    assert "trip_ended_on" in bad_date.context["adminform"].form.errors
    assert "2026-02-31" in bad_date.text
    assert accepted.status_code == 302
    saved = ReviewRequest.objects.get()
    assert saved.inquiry == won
    assert saved.message.status == "queued"  # in the outbox for the day after the trip
