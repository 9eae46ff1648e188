"""Printing a trek page gives an itinerary sheet: checked by printing to PDF in Chromium
(the session's browser from tests/browser/conftest.py)."""

import io
import unicodedata

import pytest
from django.core.management import call_command

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def lares(transactional_db):
    call_command("loaddata", "catalogue", verbosity=0)


def test_printed_lares_page_is_a_clean_itinerary_sheet(lares, live_server, chromium):
    from pypdf import PdfReader

    page = chromium.new_page()
    page.goto(f"{live_server.url}/treks/lares-trek/")
    pdf = page.pdf(format="A4", print_background=False)
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    # NFKC undoes the PDF's ligatures ("proﬁle"); case-blind because the key facts' labels
    # are upper-cased by CSS, and so in the PDF.
    text = " ".join(unicodedata.normalize("NFKC", text).split()).lower()

    for expected in (
        "Lares Trek",  # title
        "Walking distance",  # facts
        "Highest point",
        "Elevation profile",  # the chart and its labels
        "Ipsaycocha Pass",
        "Day 1",  # the days
        "Day 3",
        "Ollantaytambo",
        "+51 914 939913",  # how to reach us
    ):
        assert expected.lower() in text, expected
    for absent in (
        "Skip to main content",
        "Peru destinations",  # the menu
        "Write a review",  # the footer
        "Request information",  # the request box and form
        "Home / Treks",  # breadcrumbs
    ):
        assert absent.lower() not in text, absent
