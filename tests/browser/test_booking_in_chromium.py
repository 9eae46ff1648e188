"""From a departure to a traveller's ticket details, in Chromium: a traveller picks a departure
on the Lares page with the keyboard and sends the request; staff make the booking; the
traveller opens the e-mailed link on a phone-width screen and fills in two travellers."""

import datetime
import time

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from bookings import services
from bookings.models import Traveller
from inquiries.models import Inquiry
from tests.browser.test_accessibility import axe_violations
from tests.browser.test_request_form_in_chromium import tab_to, wait_for_fill_time
from tests.factories import make_departure, make_stage, make_trek, send_outbox

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def lares():
    trek = make_trek(name="Lares Trek", slug="lares-trek", group_size_max=12)
    make_stage(trek, day=1)
    make_stage(trek, day=2)
    return trek


@pytest.mark.parametrize("width", [375, 1280])
def test_traveller_picks_a_departure_by_keyboard_and_sends_the_request(open_page, lares, width):
    day = timezone.localdate() + datetime.timedelta(days=45)
    departure = make_departure(lares, start_date=day, seats=8)
    page = open_page(width, lares.get_absolute_url())
    opened = time.monotonic()
    ask = page.get_by_role("link", name="Ask about this date")
    tab_to(page, ask, limit=200)
    page.keyboard.press("Enter")
    page.wait_for_url(f"**?departure={departure.pk}*")
    opened = time.monotonic()
    form = page.locator("form.inquiry-form")
    expect(form.get_by_label("Departure")).to_have_value(str(departure.pk))
    tab_to(page, form.get_by_label("Number of people"), limit=200)
    page.keyboard.type("2")
    page.keyboard.press("Tab")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Tab")
    page.keyboard.type("Ana Quispe")
    page.keyboard.press("Tab")
    page.keyboard.type("ana@example.com")
    wait_for_fill_time(opened)
    tab_to(page, form.get_by_role("button", name="Send my request"), limit=20)
    page.keyboard.press("Enter")
    page.wait_for_url("**/contact/thanks/**")
    inquiry = Inquiry.objects.get()
    assert inquiry.departure == departure and inquiry.travel_date == day


def test_traveller_fills_two_travellers_on_a_phone(open_page, lares):
    departure = make_departure(lares, seats=8)
    inquiry = Inquiry.objects.create(
        trek=lares,
        departure=departure,
        travel_date=departure.start_date,
        group_size=2,
        lead_source="search",
        name="Ana Quispe",
        email="ana@example.com",
    )
    booking = services.book(
        inquiry=inquiry,
        departure=departure,
        travellers=2,
        total_price=1300,
        deposit_due=390,
        balance_due_date=departure.start_date,
        payment_instructions="Bank transfer (to confirm).",
    )
    url = services.send_link(booking=booking)
    send_outbox()
    assert url in mail.outbox[-1].body
    page = open_page(375, "/" + url.split("://", 1)[1].split("/", 1)[1])
    count, report = axe_violations(page)
    assert count == 0, report
    for n, (name, passport) in enumerate(
        [("Ana Quispe Huamán", "AB123456"), ("Luis Quispe Huamán", "CD654321")], start=1
    ):
        box = page.locator(f"#traveller-{n}")
        box.get_by_label("Full name, exactly as in the passport").fill(name)
        box.get_by_label("Nationality").select_option("PE")
        box.get_by_label("Passport number").fill(passport)
        if n == 1:
            box.get_by_label("Date of birth").fill("1990-04-02")
        box.get_by_role("button", name=f"Save traveller {n}").click()
        page.wait_for_load_state()
        expect(page.get_by_text(f"Traveller {n}'s details are saved")).to_be_visible()
    rows = list(Traveller.objects.filter(booking=booking).order_by("position"))
    assert [r.passport_number for r in rows] == ["AB123456", "CD654321"]
    assert rows[0].is_complete and not rows[1].is_complete  # the second is finished later
    # A traveller's error is linked to its field and leaves the page accessible.
    box = page.locator("#traveller-2")
    box.get_by_label("Passport number").fill("12")
    box.get_by_role("button", name="Save traveller 2").click()
    page.wait_for_load_state()
    expect(page.locator("#traveller-2").get_by_text("5 to 20 letters and digits")).to_be_visible()
    count, report = axe_violations(page)
    assert count == 0, report
    # The page fits a phone: nothing wider than the screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
