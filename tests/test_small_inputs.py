"""The smaller holes of issue 23, item 7: a traveller's name of zero-width spaces, a date that
reads two ways, HEAD on the machines' addresses, recovery codes typed in capitals, and a
login's ?next= that points elsewhere."""

import pytest
from django.urls import reverse
from django.utils import translation

from bookings.models import Traveller
from operator_site.second_factor import enrol
from tests.factories import make_booking
from tests.test_booking_page import _link_path, _traveller
from tests.test_second_factor import PASSWORD, _login, maria  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("name", ["\u200b\u200b\u200b", "\u200d \u2060", "\ufeff", "1234 5678"])
def test_a_name_without_a_letter_is_refused_and_nothing_stored(client, name):
    booking = make_booking(travellers=1)
    response = client.post(_link_path(booking), _traveller(1, full_name=name))
    assert response.status_code == 200
    assert "Write the name with its letters, exactly as in the passport." in response.text
    assert Traveller.objects.get(booking=booking).full_name == ""


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize("typed", ["01/05/1990", "05/01/1990", "1/5/90", "1990/05/01"])
def test_a_date_that_reads_two_ways_is_refused_in_either_language(client, typed, language):
    booking = make_booking(travellers=1)
    with translation.override(language):
        path = _link_path(booking)
    response = client.post(path, _traveller(1, full_name="Ana Quispe", date_of_birth=typed))
    assert response.status_code == 200
    form_error = "Enter the date as year-month-day" if language == "en" else "1990-05-01"
    assert form_error in response.text
    assert Traveller.objects.get(booking=booking).date_of_birth is None


def test_the_date_widgets_year_month_day_is_read_as_it_is(client):
    import datetime

    booking = make_booking(travellers=1)
    client.post(_link_path(booking), _traveller(1, full_name="Ana", date_of_birth="1990-05-01"))
    assert Traveller.objects.get(booking=booking).date_of_birth == datetime.date(1990, 5, 1)


@pytest.mark.parametrize("url", ["/healthz", "/robots.txt"])
def test_head_is_answered_like_get(client, url):
    get, head = client.get(url), client.head(url)
    assert head.status_code == get.status_code == 200
    assert head.content == b""
    assert client.post(url).status_code == 405


def test_a_recovery_code_typed_in_capitals_logs_in_and_counts_no_failure(
    client,
    maria,  # noqa: F811
):
    from axes.models import AccessAttempt

    _device, codes = enrol(maria)
    response = _login(client, codes[0].upper())
    assert response.status_code == 302
    assert not AccessAttempt.objects.exists()


def test_a_next_that_points_elsewhere_lands_on_the_admin_index(client, maria):  # noqa: F811
    _device, codes = enrol(maria)
    response = client.post(
        reverse("admin:login") + "?next=//elsewhere.example/",
        {"username": "maria", "password": PASSWORD, "otp_token": codes[0],
         "next": "//elsewhere.example/"},
    )  # fmt: skip
    assert response.status_code == 302
    assert response.url == reverse("admin:index")
    assert client.get(response.url).status_code == 200
