"""Departures on the public site: "Next departures" on a trek page (flat query count, never a
stale seat count), the catalogue's month and guaranteed filters, and the request form's
departure choice with its seats check."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from inquiries.models import Inquiry
from tests.factories import inquiry_post_data, make_departure, make_trek, make_walk
from treks.models import Departure

pytestmark = pytest.mark.django_db

# 9: one is the operator's details, read once per content version (operator_site.details).
COLD_MAX = 9


def _in(days):
    return timezone.localdate() + datetime.timedelta(days=days)


def _queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("count", [3, 300])
def test_trek_page_queries_stay_flat_whatever_the_number_of_departures(client, count):
    trek = make_walk(make_trek(), 3)
    trek.alternatives.add(make_walk(make_trek(), 2))
    Departure.objects.bulk_create(
        Departure(trek=trek, start_date=_in(n + 1), seats=8, price_per_person=500)
        for n in range(count)
    )
    url = trek.get_absolute_url()
    cold = _queries(client, url)
    warm = _queries(client, url)
    assert cold <= COLD_MAX, f"cold: {cold} queries"
    assert warm == 0


def test_trek_page_lists_next_departures_with_end_date_seats_status_and_price(client):
    trek = make_walk(make_trek(name="Lares"), 4)
    make_departure(trek, start_date=_in(-2))  # past: gone by itself
    make_departure(trek, start_date=_in(5), is_cancelled=True)
    departure = make_departure(
        trek, start_date=_in(10), seats=8, seats_held=6, price_per_person=590
    )
    html = client.get(trek.get_absolute_url()).content.decode()
    section = html[html.index('id="departures"') :]
    section = section[: section.index("</section>")]
    assert section.count("<tr>") == 2  # the heading row and one departure
    assert f'datetime="{_in(10):%Y-%m-%d}"' in section
    assert f'datetime="{_in(13):%Y-%m-%d}"' in section  # four days: the end date
    assert "<td>2</td>" in section
    assert "Guaranteed" in section
    assert "USD 590" in section
    assert "Ask about this date" in section
    assert f"?departure={departure.pk}#request-information" in section


def test_trek_without_departures_says_it_runs_on_request(client):
    trek = make_walk(make_trek(), 2)
    html = client.get(trek.get_absolute_url()).content.decode()
    assert "This trek runs on request" in html


def test_departure_labels_are_spanish_on_the_spanish_page(client):
    from django.utils import translation

    trek = make_walk(make_trek(), 2)
    make_departure(trek, seats=4, seats_held=4)
    with translation.override("es"):
        url = trek.get_absolute_url()
    html = client.get(url).content.decode()
    assert "Próximas salidas" in html and "Completa" in html


def test_a_booking_shows_on_the_trek_page_at_the_next_request(client):
    trek = make_walk(make_trek(), 2)
    departure = make_departure(trek, seats=8)
    url = trek.get_absolute_url()
    assert "<td>8</td>" in client.get(url).content.decode()
    from operator_site import pagecache

    Departure.objects.filter(pk=departure.pk).update(seats_held=3)
    pagecache.bump()  # what bookings.services does with every booking and cancellation
    assert "<td>5</td>" in client.get(url).content.decode()


def test_ask_about_this_date_opens_the_form_with_the_departure_chosen(client):
    trek = make_walk(make_trek(), 2)
    departure = make_departure(trek)
    html = client.get(trek.get_absolute_url(), {"departure": departure.pk}).content.decode()
    assert re.search(rf'<option value="{departure.pk}" selected', html)


def test_an_unknown_departure_in_the_address_sends_to_the_plain_page(client):
    trek = make_walk(make_trek(), 2)
    response = client.get(trek.get_absolute_url(), {"departure": "999999"})
    assert response.status_code == 302
    assert response["Location"] == trek.get_absolute_url()
    assert client.get(trek.get_absolute_url(), {"departure": "x" * 50}).status_code == 200


# --- The catalogue's filters -------------------------------------------------------------


def test_catalogue_filters_by_departure_month_and_guaranteed(client):
    soon, later = _in(3), _in(70)
    in_month = make_trek(name="Soon trek")
    make_departure(in_month, start_date=soon, seats_held=0)
    guaranteed = make_trek(name="Later trek")
    make_departure(guaranteed, start_date=later, seats_held=4, guarantee_min=2)
    make_trek(name="No dates trek")
    url = reverse("treks:list")
    html = client.get(url, {"month": f"{soon:%Y-%m}"}).content.decode()
    assert "Soon trek" in html and "No dates trek" not in html
    assert ("Later trek" in html) == (later.month == soon.month and later.year == soon.year)
    html = client.get(url, {"guaranteed": "on"}).content.decode()
    assert "Later trek" in html and "Soon trek" not in html and "No dates trek" not in html


def test_catalogue_ignores_an_unknown_month_with_a_notice(client):
    make_trek(name="Any trek")
    html = client.get(reverse("treks:list"), {"month": "1999-13"}).content.decode()
    assert "Departure month" in html[html.index('id="filter-notice"') :][:400]
    assert "Any trek" in html


# --- The request form ----------------------------------------------------------------------


def _post(client, trek, **data):
    return client.post(
        reverse("inquiries:trek_request", kwargs={"slug": trek.slug}), inquiry_post_data(**data)
    )


def test_request_for_a_departure_stores_it_with_its_date(client):
    trek = make_walk(make_trek(), 2)
    departure = make_departure(trek, start_date=_in(20))
    response = _post(client, trek, departure=str(departure.pk), travel_date="")
    assert response.status_code == 302
    inquiry = Inquiry.objects.get()
    assert inquiry.departure == departure and inquiry.travel_date == _in(20)


def test_request_for_a_date_of_my_choice_needs_the_date(client):
    trek = make_walk(make_trek(), 2)
    make_departure(trek)
    response = _post(client, trek, departure="", travel_date="")
    assert response.status_code == 200
    assert "Choose one of the departures above, or the date you would like." in (
        response.content.decode()
    )
    assert not Inquiry.objects.exists()


def test_too_many_people_for_a_departure_get_the_next_one_with_room(client):
    trek = make_walk(make_trek(group_size_max=12), 2)
    tight = make_departure(trek, start_date=_in(10), seats=8, seats_held=6)
    make_departure(trek, start_date=_in(15), seats=8, seats_held=7)
    make_departure(trek, start_date=_in(20), seats=8)
    response = _post(
        client, trek, departure=str(tight.pk), group_size="4", message="Our family of four"
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Only 2 seats are left on" in html
    assert f"The next departure with room for 4 is on {_in(20).day} " in html
    assert "private departure" in html
    assert "Our family of four" in html  # nothing typed is lost
    assert not Inquiry.objects.exists()


def test_a_full_departure_without_a_later_one_offers_a_private_departure(client):
    trek = make_walk(make_trek(), 2)
    full = make_departure(trek, seats=4, seats_held=4)
    html = _post(client, trek, departure=str(full.pk), group_size="2").content.decode()
    assert "is full" in html and "ask for a private departure for your group" in html
    assert not Inquiry.objects.exists()


@pytest.mark.parametrize("value", ["abc", "-1", "99999999", "1.5", "\u0661"])
def test_request_refuses_a_departure_that_is_not_offered(client, value):
    trek = make_walk(make_trek(), 2)
    make_departure(trek)
    response = _post(client, trek, departure=value)
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Inquiry.objects.exists()


def test_request_refuses_a_departure_of_another_trek(client):
    trek = make_walk(make_trek(), 2)
    other = make_departure(make_trek())
    response = _post(client, trek, departure=str(other.pk))
    assert "Select a valid choice" in response.content.decode()
    assert not Inquiry.objects.exists()
