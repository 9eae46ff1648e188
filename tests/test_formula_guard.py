"""One formula guard for every export (issue 23, item 5): the requests CSV, the travellers CSV
and the desk's numbers CSV all go through operator_site.spreadsheets, which looks past
invisible characters before = + - @, and write a BOM so that Excel reads accents."""

import csv
import io

import pytest
from django.urls import reverse

from bookings.models import Traveller
from operator_site.spreadsheets import formula_safe
from tests.factories import make_booking, make_inquiry, make_trek

pytestmark = pytest.mark.django_db

# Each is a live formula in a spreadsheet: the first visible character starts one.
FORMULAS = [
    "=HYPERLINK(1)",
    "\u200b=HYPERLINK(1)",  # zero-width space
    "\ufeff@SUM(1)",  # BOM
    "\u2060+1",  # word joiner
    "\u00a0-1",  # no-break space (Zs)
    "\u3000=1",  # ideographic space (Zs)
    "\u2028=1",  # line separator
    " \u200e=1",  # space, then left-to-right mark (Cf)
    "\t=1",
    "\r=1",
]


@pytest.mark.parametrize("text", FORMULAS)
def test_a_formula_behind_invisible_characters_gets_an_apostrophe(text):
    assert formula_safe(text) == "'" + text


@pytest.mark.parametrize("text", ["Ana Quispe", "Ñusta", "2 + 2", "a=b", "", "42"])
def test_plain_text_is_written_as_it_is(text):
    assert formula_safe(text) == text


def test_a_phone_number_is_written_as_typed_and_a_formula_in_it_is_not():
    assert formula_safe("+51 984 123456", phone=True) == "+51 984 123456"
    assert formula_safe("+1+HYPERLINK(1)", phone=True) == "'+1+HYPERLINK(1)"


def _rows(response):
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")  # Excel reads the file as UTF-8 (accents intact)
    return list(csv.reader(io.StringIO(text[1:])))


def test_the_travellers_csv_guards_invisible_characters_and_keeps_accents(staff_client):
    booking = make_booking()
    Traveller.objects.filter(booking=booking, position=1).update(
        full_name="\u200b=HYPERLINK(1)", dietary_needs="\ufeff@SUM(1)", emergency_contact="Ñusta"
    )
    response = staff_client.post(
        reverse("admin:bookings_booking_changelist"),
        {"action": "export_travellers", "_selected_action": [booking.pk]},
    )
    row = next(r for r in _rows(response) if r[3] == "1")
    assert row[4] == "'\u200b=HYPERLINK(1)"
    assert row[8] == "'\ufeff@SUM(1)"
    assert row[9] == "Ñusta"


def test_the_requests_csv_guards_invisible_characters(staff_client):
    inquiry = make_inquiry(name="\u200b=HYPERLINK(1)", message="\u00a0-1", phone="+51 984 123456")
    response = staff_client.post(
        reverse("admin:inquiries_inquiry_changelist"),
        {"action": "export_csv", "_selected_action": [inquiry.pk]},
    )
    header, row = _rows(response)[:2]
    assert row[header.index("name")] == "'\u200b=HYPERLINK(1)"
    assert row[header.index("message")] == "'\u00a0-1"
    assert row[header.index("phone")] == "+51 984 123456"


def test_the_numbers_csv_guards_a_trek_name(staff_client):
    make_inquiry(trek=make_trek(name="\u200b=HYPERLINK(1)"))
    response = staff_client.get(reverse("admin:inquiries_inquiry_numbers"), {"export": "trek"})
    labels = [row[0] for row in _rows(response)[1:]]
    assert "'\u200b=HYPERLINK(1)" in labels
