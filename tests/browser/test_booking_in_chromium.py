"""From a departure to a traveller's ticket details, in Chromium: a traveller picks a departure
on the Lares page with the keyboard and sends the request; staff make the booking; the
traveller opens the e-mailed link and fills in two travellers, saved by one Save; an error in one
keeps what was typed for both; accepting the terms saves what was typed for the travellers."""

import datetime
import time

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from bookings import services
from bookings.models import Booking, Traveller
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


@pytest.fixture
def booking_path(lares):
    """A booking for two, as staff make it, and the path of the link e-mailed to Ana."""
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
    assert any(url in m.body for m in mail.outbox)  # beside the booking's own confirmation
    return booking, "/" + url.split("://", 1)[1].split("/", 1)[1]


ANA = ("Ana Quispe Huamán", "AB123456")
LUIS = ("Luis Quispe Huamán", "CD654321")
SAVE_BOTH = "Save the details of all 2 travellers"


def _type_traveller(page, n, name, passport, born=None):
    box = page.locator(f"#traveller-{n}")
    box.get_by_label("Full name, exactly as in the passport").fill(name)
    box.get_by_label("Nationality").select_option("PE")
    box.get_by_label("Passport number").fill(passport)
    if born:
        box.get_by_label("Date of birth").fill(born)


def _expect_traveller_shows(page, n, name, passport):
    box = page.locator(f"#traveller-{n}")
    expect(box.get_by_label("Full name, exactly as in the passport")).to_have_value(name)
    expect(box.get_by_label("Passport number")).to_have_value(passport)
    expect(box.get_by_label("Nationality")).to_have_value("PE")


@pytest.mark.parametrize(("width", "javascript"), [(375, True), (1280, False)])
def test_two_travellers_typed_are_both_saved_by_one_save(
    open_page, booking_path, width, javascript
):
    booking, path = booking_path
    page = open_page(width, path, javascript=javascript)
    count, report = axe_violations(page) if javascript else (0, "")
    assert count == 0, report
    _type_traveller(page, 1, *ANA, born="1990-04-02")
    _type_traveller(page, 2, *LUIS)
    page.get_by_role("button", name=SAVE_BOTH).click()
    page.wait_for_load_state()
    expect(page.get_by_text("Traveller 1's details are saved.")).to_be_visible()
    expect(page.get_by_text("Traveller 2's details are saved: you can finish")).to_be_visible()
    rows = list(Traveller.objects.filter(booking=booking).order_by("position"))
    assert [(r.full_name, r.passport_number) for r in rows] == [ANA, LUIS]
    assert rows[0].is_complete and not rows[1].is_complete  # the second is finished later
    # Both on the page after the redirect, and again when the link is opened later.
    for _ in range(2):
        _expect_traveller_shows(page, 1, *ANA)
        _expect_traveller_shows(page, 2, *LUIS)
        expect(page.locator("#traveller-1 .badge")).to_have_text("complete")
        page.goto(path)
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_an_error_in_traveller_2_keeps_what_was_typed_for_both(open_page, booking_path):
    booking, path = booking_path
    page = open_page(375, path)
    _type_traveller(page, 1, *ANA, born="1990-04-02")
    _type_traveller(page, 2, LUIS[0], "12")
    page.get_by_role("button", name=SAVE_BOTH).click()
    page.wait_for_load_state()
    # Everything typed is still in the fields, for both travellers.
    _expect_traveller_shows(page, 1, *ANA)
    _expect_traveller_shows(page, 2, LUIS[0], "12")
    expect(page.get_by_text("Traveller 1's details are saved.")).to_be_visible()
    summary = page.locator("#travellers-errors")
    expect(summary).to_contain_text("The details of one traveller are not saved yet")
    # The summary links to the field; the field is marked and described by its message.
    summary.get_by_role("link", name="Traveller 2, Passport number").click()
    field = page.locator("#traveller-2").get_by_label("Passport number")
    expect(field).to_have_attribute("aria-invalid", "true")
    described = (field.get_attribute("aria-describedby") or "").split()
    assert any(
        "5 to 20 letters and digits" in page.locator(f"#{i}").inner_text() for i in described
    ), described
    count, report = axe_violations(page)
    assert count == 0, report
    rows = list(Traveller.objects.filter(booking=booking).order_by("position"))
    assert (rows[0].full_name, rows[0].passport_number) == ANA
    assert (rows[1].full_name, rows[1].passport_number) == ("", "")
    # Fixed and saved again: both saved.
    field.fill(LUIS[1])
    page.get_by_role("button", name=SAVE_BOTH).click()
    page.wait_for_load_state()
    expect(page.get_by_text("Traveller 2's details are saved: you can finish")).to_be_visible()
    rows = list(Traveller.objects.filter(booking=booking).order_by("position"))
    assert [(r.full_name, r.passport_number) for r in rows] == [ANA, LUIS]
    assert page.evaluate("document.documentElement.scrollWidth") <= 375


@pytest.mark.parametrize(("width", "javascript"), [(375, True), (1280, False)])
def test_accepting_the_terms_saves_what_was_typed_for_the_travellers(
    open_page, booking_path, width, javascript
):
    booking, path = booking_path
    page = open_page(width, path, javascript=javascript)
    _type_traveller(page, 1, *ANA, born="1990-04-02")
    _type_traveller(page, 2, *LUIS)
    # Enter in a traveller's field saves the travellers and never accepts the terms.
    page.get_by_label("I have read and accept the booking terms and conditions.").check()
    page.locator("#traveller-2").get_by_label("Passport number").press("Enter")
    page.wait_for_load_state()
    expect(page.get_by_text("Traveller 2's details are saved: you can finish")).to_be_visible()
    booking.refresh_from_db()
    assert booking.terms_accepted_at is None
    # Typed, not saved, then "Accept the terms": both recorded.
    page.locator("#traveller-2").get_by_label("Date of birth").fill("1992-08-15")
    page.get_by_label("I have read and accept the booking terms and conditions.").check()
    page.get_by_role("button", name="Accept the terms").click()
    page.wait_for_load_state()
    expect(page.get_by_text("Thank you: the terms are accepted.")).to_be_visible()
    expect(page.get_by_text("Traveller 2's details are saved.")).to_be_visible()
    expect(page.locator("#terms")).to_contain_text("You accepted the terms on")
    _expect_traveller_shows(page, 2, *LUIS)
    expect(page.locator("#traveller-2 .badge")).to_have_text("complete")
    assert Booking.objects.get(pk=booking.pk).terms_accepted_at is not None
    row = Traveller.objects.get(booking=booking, position=2)
    assert (row.full_name, row.passport_number) == LUIS
    assert row.date_of_birth == datetime.date(1992, 8, 15) and row.is_complete
    if javascript:
        count, report = axe_violations(page)
        assert count == 0, report
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_accept_with_an_error_in_a_traveller_keeps_the_text_and_links_to_it(
    open_page, booking_path
):
    booking, path = booking_path
    page = open_page(1280, path)
    _type_traveller(page, 1, *ANA, born="1990-04-02")
    _type_traveller(page, 2, LUIS[0], "12")
    page.get_by_role("button", name="Accept the terms").click()  # the box is not ticked
    page.wait_for_load_state()
    _expect_traveller_shows(page, 1, *ANA)
    _expect_traveller_shows(page, 2, LUIS[0], "12")
    expect(page.locator("#terms")).to_contain_text("Tick the box to accept the terms.")
    count, report = axe_violations(page)
    assert count == 0, report
    page.locator("#terms").get_by_role("link", name="not saved yet").click()
    expect(page.locator("#travellers-errors")).to_be_in_viewport()
    booking.refresh_from_db()
    assert booking.terms_accepted_at is None
    rows = list(Traveller.objects.filter(booking=booking).order_by("position"))
    assert (rows[0].full_name, rows[1].full_name) == (ANA[0], "")
