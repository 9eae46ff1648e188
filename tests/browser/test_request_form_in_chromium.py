"""A traveller sends the request form on the trek page in a real browser: with the keyboard only
(no clicks) at phone and desktop width, and with JavaScript disabled."""

import datetime
import time

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from inquiries.forms import MIN_FILL_SECONDS
from inquiries.models import Inquiry
from tests.browser.conftest import WIDTHS
from tests.factories import make_stage, make_trek

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def lares():
    trek = make_trek(name="Lares Trek", slug="lares-trek", group_size_max=12)
    make_stage(trek, day=1)
    return trek


def wait_for_fill_time(opened_at):
    """The form refuses posts made under MIN_FILL_SECONDS after it was rendered (bots do
    that); a person typing takes longer, a script may not. The protection stays on."""
    left = MIN_FILL_SECONDS + 0.5 - (time.monotonic() - opened_at)
    if left > 0:
        time.sleep(left)


def tab_to(page, locator, *, limit=80, backwards=False):
    """Press Tab (or Shift+Tab) until `locator` has the focus, as a keyboard user would."""
    key = "Shift+Tab" if backwards else "Tab"
    for _ in range(limit):
        if locator.evaluate("el => el === document.activeElement"):
            return
        page.keyboard.press(key)
    raise AssertionError(f"{locator} never got the focus with {key}")


def type_date(page, day):
    """Chromium's date input in the en-US locale takes month, day and year as typed digits."""
    page.keyboard.type(day.strftime("%m%d%Y"))


def assert_error_is_linked(page, field, message):
    """The input says it is invalid and points at the visible error text next to it."""
    expect(field).to_have_attribute("aria-invalid", "true")
    described = (field.get_attribute("aria-describedby") or "").split()
    errors = [
        page.locator(f"[id='{ident}']")
        for ident in described
        if message in page.locator(f"[id='{ident}']").inner_text()
    ]
    assert errors, f"no element of aria-describedby={described} says {message!r}"
    error = errors[0]
    expect(error).to_be_visible()
    # Next to the field: the error starts below the input's top and within a line or two of
    # its bottom edge. Both measured at once, as the page may still be scrolling to the form.
    field_top, field_bottom, error_top = page.evaluate(
        """([field, error]) => {
            const f = field.getBoundingClientRect(), e = error.getBoundingClientRect();
            return [f.top, f.bottom, e.top];
        }""",
        [field.element_handle(), error.element_handle()],
    )
    assert field_top < error_top < field_bottom + 60


@pytest.mark.parametrize("width", WIDTHS)
def test_traveller_sends_the_request_form_with_the_keyboard_only(open_page, lares, width):
    page = open_page(width, "/treks/lares-trek/")
    opened_at = time.monotonic()
    form = page.locator("form.inquiry-form")
    send = form.get_by_role("button", name="Send my request")
    travel_date = timezone.localdate() + datetime.timedelta(days=90)

    # First try. The browser itself stops a past date or 0 people (min= attributes); what
    # only the server can judge is a mail domain without a dot and a phone number in words.
    tab_to(page, form.get_by_label("Date of travel"))
    type_date(page, travel_date)
    # Tab first walks the date's own parts (month, day, year), then leaves it.
    tab_to(page, form.get_by_label("Number of people"), limit=4)
    page.keyboard.type("3")
    page.keyboard.press("Tab")
    expect(form.get_by_label("How did you hear about us?")).to_be_focused()
    page.keyboard.press("ArrowDown")  # the first real choice
    page.keyboard.press("Tab")
    expect(form.get_by_label("Your name")).to_be_focused()
    page.keyboard.type("Ana Quispe")
    page.keyboard.press("Tab")
    expect(form.get_by_label("E-mail")).to_be_focused()
    page.keyboard.type("ana@example")
    page.keyboard.press("Tab")
    expect(form.get_by_label("Phone or WhatsApp (optional)")).to_be_focused()
    page.keyboard.type("call me")
    tab_to(page, send)
    wait_for_fill_time(opened_at)
    page.keyboard.press("Enter")

    expect(page.get_by_role("alert")).to_contain_text("Please check the 2 fields")
    form = page.locator("form.inquiry-form")
    email = form.get_by_label("E-mail")
    phone = form.get_by_label("Phone or WhatsApp (optional)")
    assert_error_is_linked(page, email, "Enter a valid email address.")
    assert_error_is_linked(page, phone, "Use digits, spaces and + ( ) - only")
    assert Inquiry.objects.count() == 0
    # What was typed is kept.
    expect(form.get_by_label("Your name")).to_have_value("Ana Quispe")
    expect(form.get_by_label("Date of travel")).to_have_value(travel_date.isoformat())

    # Fix both with the keyboard, then write a message.
    opened_at = time.monotonic()
    tab_to(page, email)
    page.keyboard.press("Control+A")
    page.keyboard.type("ana@example.com")
    page.keyboard.press("Tab")
    expect(phone).to_be_focused()
    page.keyboard.press("Control+A")
    page.keyboard.type("+51 984 123456")
    send = form.get_by_role("button", name="Send my request")
    tab_to(page, send)
    # Shift+Tab goes back through the form: the message field comes just before the button.
    page.keyboard.press("Shift+Tab")
    expect(form.get_by_label("Your message (optional)")).to_be_focused()
    page.keyboard.type("Is the second week of the month possible?")
    page.keyboard.press("Tab")
    expect(send).to_be_focused()
    wait_for_fill_time(opened_at)
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_contain_text("Thank you")
    inquiry = Inquiry.objects.get()
    assert inquiry.trek == lares
    assert inquiry.group_size == 3
    assert inquiry.travel_date == travel_date
    assert inquiry.name == "Ana Quispe"
    assert inquiry.email == "ana@example.com"
    assert inquiry.phone == "+51 984 123456"
    assert inquiry.message == "Is the second week of the month possible?"


@pytest.mark.parametrize("width", WIDTHS)
def test_request_form_works_with_javascript_disabled(open_page, lares, width):
    page = open_page(width, "/treks/lares-trek/", javascript=False)
    opened_at = time.monotonic()
    form = page.locator("form.inquiry-form")
    form.get_by_label("Date of travel").fill(
        (timezone.localdate() + datetime.timedelta(days=60)).isoformat()
    )
    form.get_by_label("Number of people").fill("2")
    form.get_by_label("How did you hear about us?").select_option(index=1)
    form.get_by_label("Your name").fill("Rosa Mamani")
    form.get_by_label("E-mail").fill("rosa@example.com")
    wait_for_fill_time(opened_at)
    form.get_by_role("button", name="Send my request").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Thank you")
    assert Inquiry.objects.filter(name="Rosa Mamani", trek=lares, group_size=2).exists()
