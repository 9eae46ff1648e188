"""The e-mail asking for a review: once per traveller, never before the trip ended, in the
traveller's language, failures recorded and retried, staff can switch it off."""

import datetime
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from inquiries.models import Inquiry
from reviews.models import ReviewRequest
from tests.factories import make_inquiry, make_trek, set_operator

pytestmark = pytest.mark.django_db

# The mail server refusing every message, as tests/test_inquiry_notifications.py has it.
BROKEN = "tests.test_inquiry_notifications.BrokenSMTPBackend"
TRIPADVISOR = "https://www.tripadvisor.com/Attraction_Review-g294314-d1-Operator.html"
GOOGLE = "https://g.page/r/operator-cusco/review"


@pytest.fixture(autouse=True)
def _links(db):
    set_operator(tripadvisor_url=TRIPADVISOR, google_reviews_url=GOOGLE)


def _request(ended_days_ago=1, *, status=Inquiry.Status.WON, **inquiry):
    today = timezone.localdate()
    return ReviewRequest.objects.create(
        inquiry=make_inquiry(status=status, **inquiry),
        trip_ended_on=today - datetime.timedelta(days=ended_days_ago),
    )


def _run(**kwargs):
    out, err = StringIO(), StringIO()
    call_command("send_review_requests", stdout=out, stderr=err, **kwargs)
    return out.getvalue(), err.getvalue()


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
    assert request.sent_at is not None
    assert request.attempts == 1


@pytest.mark.parametrize("ended_days_ago", [0, -3])
def test_nothing_is_sent_before_the_trip_has_ended(ended_days_ago):
    request = _request(ended_days_ago)
    _run()
    assert mail.outbox == []
    request.refresh_from_db()
    assert request.sent_at is None and request.attempts == 0


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
    request.save()
    _run()
    assert mail.outbox == []


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
    assert second.sent_at is None
    assert second.withheld == "already asked after another trip"


def test_a_failure_is_recorded_and_retried_on_the_next_run(settings):
    request = _request()

    settings.EMAIL_BACKEND = BROKEN
    out, _err = _run()
    request.refresh_from_db()
    assert "failed 1" in out
    assert "service not available" in request.last_error
    assert request.sent_at is None

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    _run()
    request.refresh_from_db()
    assert len(mail.outbox) == 1
    assert request.sent_at is not None
    assert request.attempts == 2
    assert request.last_error == ""


def test_gives_up_after_the_maximum_attempts(settings):
    request = _request()
    settings.EMAIL_BACKEND = BROKEN
    for _ in range(4):
        _run(max_attempts=2)
    request.refresh_from_db()
    assert request.attempts == 2


def test_without_any_review_link_nothing_is_sent_or_marked():
    set_operator(tripadvisor_url="", google_reviews_url="")
    request = _request()
    _out, err = _run()
    assert "no review link set" in err
    assert mail.outbox == []
    request.refresh_from_db()
    assert request.attempts == 0


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
    assert ReviewRequest.objects.get().inquiry == won
