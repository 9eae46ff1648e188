"""No overbooking under concurrency: separate processes (as two members of staff on two app
servers) book the last seats of one departure at the same instant, on SQLite and on
PostgreSQL. Exactly one gets them; every other one gets the clear NotEnoughSeats error."""

import pytest

from tests.load.harness import Site, race
from tests.services import postgres_url, require

PROCESSES = 4
SEATS = 2

SETUP = f"""
import datetime
from decimal import Decimal
from django.utils import timezone
from inquiries.models import Inquiry
from treks.models import Departure, Trek
trek = Trek.objects.get(slug_en="lares-trek")
departure = Departure.objects.create(
    trek=trek, start_date=timezone.localdate() + datetime.timedelta(days=40),
    seats={SEATS}, guarantee_min=1, price_per_person=Decimal("600"),
)
ids = [
    Inquiry.objects.create(
        trek=trek, departure=departure, travel_date=departure.start_date, group_size={SEATS},
        lead_source="search", name=f"Racer {{n}}", email=f"racer{{n}}@example.com",
    ).pk
    for n in range({PROCESSES})
]
print(departure.pk, *ids)
"""

RACER = """
import pathlib, sys, time, datetime
from bookings import services
from inquiries.models import Inquiry
from treks.models import Departure
departure = Departure.objects.get(pk={departure})
inquiry = Inquiry.objects.select_related("trek").get(pk={inquiry})
inquiry.trek.facts  # loaded now, so that every process starts booking at once
print("READY", flush=True)
go = pathlib.Path({go!r})
while not go.exists():
    time.sleep(0.002)
try:
    booking = services.book(
        inquiry=inquiry, departure=departure, travellers={seats}, total_price=1200,
        deposit_due=300, balance_due_date=departure.start_date,
        payment_instructions="to confirm",
    )
    print("BOOKED", booking.pk, flush=True)
except services.NotEnoughSeats as error:
    print("REFUSED", error, flush=True)
"""


def _race(site, tmp_path):
    out = site.manage("shell", "-v", "0", "-c", SETUP).stdout.split()
    departure, inquiries = out[0], out[1:]
    go = tmp_path / "go"
    scripts = [
        RACER.format(departure=departure, inquiry=pk, go=str(go), seats=SEATS) for pk in inquiries
    ]
    results = race(scripts, env=site.env, go=go, timeout=120)
    held = site.scalar("SELECT seats_held FROM treks_departure WHERE id = ?", [int(departure)])
    rows = site.scalar("SELECT count(*) FROM bookings_booking")
    return results, held, rows


def _check(results, held, rows):
    booked = [r for r in results if r.startswith("BOOKED")]
    refused = [r for r in results if r.startswith("REFUSED")]
    assert len(booked) == 1, results
    assert len(refused) == PROCESSES - 1, results
    assert all("Not enough seats left" in r and "Nothing was booked" in r for r in refused)
    assert held == SEATS and rows == 1


@pytest.fixture
def empty_static(tmp_path):
    # No server is started here: the site needs no collected static files.
    path = tmp_path / "static-none"
    path.mkdir()
    return path


def test_processes_booking_the_last_seats_on_sqlite_one_wins(tmp_path, empty_static, report):
    site = Site.create(tmp_path / "site", empty_static)
    try:
        results, held, rows = _race(site, tmp_path)
    finally:
        site.destroy()
    _check(results, held, rows)
    report(f"sqlite: {len(results)} processes, 1 booked, {len(results) - 1} refused")


@pytest.mark.postgres
def test_processes_booking_the_last_seats_on_postgres_one_wins(tmp_path, empty_static, report):
    require("postgres")
    site = Site.create(tmp_path / "site", empty_static, postgres_url=postgres_url())
    try:
        results, held, rows = _race(site, tmp_path)
    finally:
        site.destroy()
    _check(results, held, rows)
    report(f"postgres: {len(results)} processes, 1 booked, {len(results) - 1} refused")
