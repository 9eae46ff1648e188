"""Departures: their status derived from the seats held, what the database refuses, and the
admin page that creates a season of departures in one step."""

import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from tests.factories import make_departure, make_trek
from treks.models import Departure

pytestmark = pytest.mark.django_db

Status = Departure.Status


def _refused(fn):
    with pytest.raises(IntegrityError), transaction.atomic():
        fn()


@pytest.mark.parametrize(
    ("seats", "held", "minimum", "cancelled", "status"),
    [
        (8, 0, 2, False, Status.OPEN),
        (8, 5, 6, False, Status.FEW_LEFT),
        (8, 2, 2, False, Status.GUARANTEED),
        (8, 8, 2, False, Status.FULL),
        (8, 2, 2, True, Status.CANCELLED),
    ],
)
def test_status_is_derived_from_the_seats_held(seats, held, minimum, cancelled, status):
    departure = Departure(
        seats=seats, seats_held=held, guarantee_min=minimum, is_cancelled=cancelled
    )
    assert departure.status == status
    assert departure.seats_left == seats - held


def test_every_status_has_a_spanish_label():
    from django.utils import translation

    with translation.override("es"):
        labels = {str(label) for label in Status.labels}
    assert labels == {"Abierta", "Quedan pocas plazas", "Garantizada", "Completa", "Cancelada"}


def test_database_refuses_more_seats_held_than_seats():
    departure = make_departure(seats=4)
    _refused(lambda: Departure.objects.filter(pk=departure.pk).update(seats_held=5))


def test_database_refuses_a_guarantee_above_the_seats():
    _refused(lambda: make_departure(seats=4, guarantee_min=5))


def test_database_refuses_two_group_departures_of_a_trek_on_one_day():
    departure = make_departure()
    _refused(lambda: make_departure(departure.trek, start_date=departure.start_date))


def test_database_refuses_a_negative_price():
    _refused(lambda: make_departure(price_per_person=Decimal("-1")))


def test_past_and_cancelled_departures_are_not_upcoming():
    trek = make_trek()
    today = timezone.localdate()
    make_departure(trek, start_date=today - datetime.timedelta(days=1))
    make_departure(trek, start_date=today + datetime.timedelta(days=3), is_cancelled=True)
    kept = make_departure(trek, start_date=today)
    assert list(Departure.objects.upcoming()) == [kept]


def _recurring(**overrides):
    today = timezone.localdate()
    data = {
        "first_date": (today + datetime.timedelta(days=1)).isoformat(),
        "last_date": (today + datetime.timedelta(days=28)).isoformat(),
        "weekdays": ["0", "3"],
        "kind": "group",
        "seats": "10",
        "guarantee_min": "2",
        "price_per_person": "590",
    }
    data.update(overrides)
    return data


def test_staff_create_every_monday_and_thursday_in_one_step(staff_client):
    trek = make_trek()
    response = staff_client.post(
        reverse("admin:treks_departure_recurring"), _recurring(trek=trek.pk), follow=True
    )
    assert response.status_code == 200
    dates = list(Departure.objects.values_list("start_date", flat=True))
    assert len(dates) == 8
    assert {day.weekday() for day in dates} == {0, 3}
    assert "8 departures created; 0 already existed." in response.content.decode()


def test_recurring_creation_keeps_existing_departures_as_they_are(staff_client):
    trek = make_trek()
    first = timezone.localdate() + datetime.timedelta(days=1)
    existing = make_departure(trek, start_date=first, seats=4)
    staff_client.post(
        reverse("admin:treks_departure_recurring"),
        _recurring(trek=trek.pk, weekdays=[str(first.weekday())]),
    )
    existing.refresh_from_db()
    assert existing.seats == 4
    assert Departure.objects.filter(trek=trek).count() == 4


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"first_date": "2001-01-01"}, "The first date cannot be in the past."),
        ({"last_date": "2000-01-01"}, "The last date must be on or after the first."),
        ({"weekdays": []}, "This field is required."),
        ({"weekdays": ["9"]}, "Select a valid choice."),
        ({"seats": "0"}, "greater than or equal to 1"),
        ({"seats": "31"}, "less than or equal to 30"),
        ({"guarantee_min": "11"}, "cannot need more travellers than it has seats"),
        ({"price_per_person": "-5"}, "greater than or equal to 0"),
        ({"price_per_person": "abc"}, "Enter a number."),
        ({"kind": "boat"}, "Select a valid choice."),
        ({"first_date": "31/31/2031"}, "Enter a valid date."),
    ],
)
def test_recurring_creation_refuses_bad_input_and_stores_nothing(staff_client, overrides, message):
    trek = make_trek()
    response = staff_client.post(
        reverse("admin:treks_departure_recurring"), _recurring(trek=trek.pk, **overrides)
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Departure.objects.exists()


def test_recurring_creation_refuses_more_than_a_year(staff_client):
    trek = make_trek()
    today = timezone.localdate()
    response = staff_client.post(
        reverse("admin:treks_departure_recurring"),
        _recurring(trek=trek.pk, last_date=(today + datetime.timedelta(days=400)).isoformat()),
    )
    assert "at most one year" in response.content.decode()
    assert not Departure.objects.exists()


def test_departure_admin_lists_status_and_seats_left(staff_client):
    make_departure(seats=8, seats_held=0)
    response = staff_client.get(reverse("admin:treks_departure_changelist"))
    assert response.status_code == 200
    assert "Create recurring departures" in response.content.decode()


def test_admin_refuses_fewer_seats_than_are_booked_with_a_message(staff_client):
    from tests.factories import make_booking

    departure = make_departure(seats=6)
    make_booking(departure, travellers=4)
    response = staff_client.post(
        reverse("admin:treks_departure_change", args=[departure.pk]),
        {
            "trek": departure.trek_id,
            "start_date": departure.start_date.isoformat(),
            "kind": "group",
            "seats": "3",
            "guarantee_min": "2",
            "price_per_person": "650",
        },
    )
    assert response.status_code == 200
    assert "4 seats are booked on this departure" in response.content.decode()
    departure.refresh_from_db()
    assert departure.seats == 6


def test_booking_form_proposes_the_treks_deposit(staff_client):
    from tests.factories import make_inquiry

    trek = make_trek(deposit_percent=30)
    inquiry = make_inquiry(trek=trek)
    html = staff_client.get(
        reverse("admin:bookings_booking_from_inquiry", args=[inquiry.pk])
    ).content.decode()
    assert 'name="deposit_percent" value="30"' in html


def test_database_refuses_a_deposit_above_100_percent():
    _refused(lambda: make_trek(deposit_percent=101))
