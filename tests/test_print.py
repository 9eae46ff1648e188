"""Printing a trek page gives an itinerary sheet: checked by printing to PDF in Chromium."""

import io
import shutil
import unicodedata
from pathlib import Path

import pytest
from django.core.management import call_command

CHROMIUM = shutil.which("chromium") or (
    "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None
)
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def lares(transactional_db):
    # Loaded before Playwright starts: its event loop makes Django refuse database calls.
    call_command("loaddata", "catalogue", verbosity=0)


@pytest.fixture
def chromium():
    if CHROMIUM is None:
        pytest.skip("Chromium is not installed (.ci/run installs it): the print test needs it")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        yield browser
        browser.close()


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
