"""No overbooking under concurrency: separate processes (as two members of staff on two app
servers) book the last seats of one departure at the same instant, on SQLite and on
PostgreSQL. Exactly one gets them; every other one gets the clear NotEnoughSeats error."""

import subprocess
import sys

import pytest

from tests.load.harness import ROOT, Site
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
from django.db import transaction
from bookings import services
from inquiries.models import Inquiry
from treks.models import Departure
departure = Departure.objects.get(pk={departure})
inquiry = Inquiry.objects.select_related("trek").get(pk={inquiry})
inquiry.trek.facts  # loaded now, so that every process starts booking at once
print("READY", flush=True)
go, entered = pathlib.Path({go!r}), pathlib.Path({entered!r})
while not go.exists():
    time.sleep(0.002)
began = time.time()
(entered / str({inquiry})).touch()
# In a transaction that the winner keeps open until every racer has begun: the others try
# while its seats are held and not yet committed (the race the constraint must win).
with transaction.atomic():
    try:
        booking = services.book(
            inquiry=inquiry, departure=departure, travellers={seats}, total_price=1200,
            deposit_due=300, balance_due_date=departure.start_date,
            payment_instructions="to confirm",
        )
    except services.NotEnoughSeats as error:
        outcome = f"REFUSED {{error}}"
    else:
        deadline = time.monotonic() + 60
        while len(list(entered.iterdir())) < {racers} and time.monotonic() < deadline:
            time.sleep(0.01)
        time.sleep(0.3)  # for the others to reach the departure's row, and wait on it
        outcome = f"BOOKED {{booking.pk}}"
print(f"INSIDE {{began}} {{time.time()}}", flush=True)
print(outcome, flush=True)
"""


def _race(site, tmp_path):
    out = site.manage("shell", "-v", "0", "-c", SETUP).stdout.split()
    departure, inquiries = out[0], out[1:]
    go, entered = tmp_path / "go", tmp_path / "entered"
    entered.mkdir()
    racers = [
        subprocess.Popen(  # noqa: S603 - our own interpreter and code
            [
                sys.executable,
                "manage.py",
                "shell",
                "-v",
                "0",
                "-c",
                RACER.format(
                    departure=departure,
                    inquiry=pk,
                    go=str(go),
                    entered=str(entered),
                    seats=SEATS,
                    racers=PROCESSES,
                ),
            ],
            cwd=ROOT,
            env=site.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for pk in inquiries
    ]
    for racer in racers:
        assert racer.stdout.readline().strip() == "READY", racer.stderr.read()
    go.touch()  # all at once
    results, inside = [], []
    for racer in racers:
        stdout, stderr = racer.communicate(timeout=120)
        assert racer.returncode == 0, stderr
        times, outcome = stdout.strip().split("\n", 1)
        inside.append(tuple(float(t) for t in times.removeprefix("INSIDE ").split()))
        results.append(outcome)
    # The racers overlapped: each was inside (booking, or waiting to) at one same instant.
    assert max(b for b, _ in inside) < min(e for _, e in inside), inside
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
