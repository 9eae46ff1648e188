"""Travellers' personal data: passport numbers masked in admin, whole only with the dedicated
permission; every view, export and departure sheet recorded; details deleted after the trip."""

import datetime
from io import StringIO

import pytest
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone

from bookings.models import Booking, Traveller, TravellerDataAccess
from tests.conftest import verified_login
from tests.factories import make_booking, make_departure, make_stage, make_trek, make_walk

pytestmark = pytest.mark.django_db

PASSPORT = "XK4419023"


def _booking_with_passport(*, date_of_birth=datetime.date(1990, 5, 1), **kwargs):
    booking = make_booking(**kwargs)
    Traveller.objects.filter(booking=booking, position=1).update(
        full_name="Lucía Mamani",
        passport_number=PASSPORT,
        nationality="PE",
        date_of_birth=date_of_birth,
        dietary_needs="No gluten",
        emergency_contact="Pedro Mamani +51 984 111222",
    )
    return booking


@pytest.fixture
def clerk_client(client, django_user_model):
    """Staff who may work bookings but not see passport numbers."""
    user = django_user_model.objects.create_user(
        "clerk", "c@example.com", "a-long-pass", is_staff=True
    )
    user.user_permissions.add(
        *Permission.objects.filter(
            codename__in=[
                "view_booking",
                "change_booking",
                "view_traveller",
                "view_payment",
                "add_payment",
            ]
        )
    )
    verified_login(client, user)
    return client


def test_passport_numbers_are_masked_in_the_travellers_list(staff_client):
    _booking_with_passport()
    html = staff_client.get(reverse("admin:bookings_traveller_changelist")).content.decode()
    assert PASSPORT not in html
    assert "••••••023" in html


def test_passport_numbers_are_masked_on_the_booking_page_without_the_permission(clerk_client):
    booking = _booking_with_passport()
    html = clerk_client.get(booking.get_admin_url()).content.decode()
    assert PASSPORT not in html and "023" in html
    assert not TravellerDataAccess.objects.exists()


def test_staff_with_the_permission_see_it_whole_and_the_view_is_recorded(staff_client):
    booking = _booking_with_passport()
    html = staff_client.get(booking.get_admin_url()).content.decode()
    assert PASSPORT in html
    access = TravellerDataAccess.objects.get()
    assert access.booking == booking and access.user.username == "staff"
    assert access.action == TravellerDataAccess.Action.VIEW


def _export(client, booking):
    return client.post(
        reverse("admin:bookings_booking_changelist"),
        {"action": "export_travellers", "_selected_action": [booking.pk]},
    )


def test_export_needs_the_permission(clerk_client):
    booking = _booking_with_passport()
    response = _export(clerk_client, booking)
    assert PASSPORT not in response.content.decode()
    assert not TravellerDataAccess.objects.exists()


def test_export_with_the_permission_is_recorded(staff_client):
    booking = _booking_with_passport()
    response = _export(staff_client, booking)
    assert response["Content-Type"].startswith("text/csv")
    assert PASSPORT in response.content.decode()
    assert TravellerDataAccess.objects.get().action == TravellerDataAccess.Action.EXPORT


def test_export_cells_cannot_run_as_formulas(staff_client):
    booking = make_booking()
    Traveller.objects.filter(booking=booking, position=1).update(full_name="=HYPERLINK(1)")
    assert "'=HYPERLINK(1)" in _export(staff_client, booking).content.decode()


def test_departure_sheet_lists_travellers_ages_needs_and_the_itinerary(staff_client):
    trek = make_trek()
    make_stage(trek, day=1, title="Cusco to Lares hot springs")
    start = timezone.localdate() + datetime.timedelta(days=30)
    if (start.month, start.day) in ((2, 28), (2, 29)):
        start += datetime.timedelta(days=2)  # a birthday the day after exists in every year
    departure = make_departure(trek, start_date=start)
    # Her 37th birthday is the day after the trek starts: 36 on the sheet, the age on the
    # departure's date (not today's, nor the year's difference), whatever year the test runs.
    day_after = start + datetime.timedelta(days=1)
    _booking_with_passport(
        departure=departure, date_of_birth=day_after.replace(year=day_after.year - 37)
    )
    response = staff_client.get(reverse("admin:bookings_departure_sheet", args=[departure.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Lucía Mamani" in html and "No gluten" in html and "Pedro Mamani" in html
    assert "Cusco to Lares hot springs" in html
    assert "<td>36</td>" in html and "<td>37</td>" not in html
    assert PASSPORT not in html
    assert TravellerDataAccess.objects.get().action == TravellerDataAccess.Action.SHEET


def test_departure_sheet_needs_the_permission(clerk_client):
    departure = make_departure()
    response = clerk_client.get(reverse("admin:bookings_departure_sheet", args=[departure.pk]))
    assert response.status_code == 403


def test_purge_deletes_traveller_details_90_days_after_the_trip_and_keeps_totals(db):
    old = _booking_with_passport()
    recent = _booking_with_passport()
    today = timezone.localdate()
    Booking.objects.filter(pk=old.pk).update(end_date=today - datetime.timedelta(days=91))
    Booking.objects.filter(pk=recent.pk).update(end_date=today - datetime.timedelta(days=89))
    out = StringIO()
    call_command("purge_traveller_documents", stdout=out)
    assert "deleted the details of 2 traveller(s)" in out.getvalue()
    assert not Traveller.objects.filter(booking=old).exists()
    assert Traveller.objects.filter(booking=recent).count() == 2
    old.refresh_from_db()
    assert old.documents_purged_at is not None
    assert old.total_price > 0 and old.travellers == 2


def test_purge_takes_another_number_of_days_and_refuses_zero(db):
    booking = _booking_with_passport()
    Booking.objects.filter(pk=booking.pk).update(
        end_date=timezone.localdate() - datetime.timedelta(days=11)
    )
    call_command("purge_traveller_documents", "--days", "10", stdout=StringIO())
    assert not Traveller.objects.filter(booking=booking).exists()
    with pytest.raises(CommandError):
        call_command("purge_traveller_documents", "--days", "0")


def test_the_permission_has_a_spanish_name():
    from django.utils import translation

    permission = Permission.objects.get(codename="view_traveller_documents")
    with translation.override("es"):
        assert "pasaporte" in str(Booking._meta.permissions[0][1])
    assert permission.content_type.app_label == "bookings"


def test_make_walk_helper_still_builds_departures_for_the_sheet(staff_client):
    departure = make_departure(make_walk(make_trek(), 2))
    response = staff_client.get(reverse("admin:bookings_departure_sheet", args=[departure.pk]))
    assert "No traveller booked yet." in response.content.decode()
