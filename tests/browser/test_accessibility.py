"""axe-core (bundled by axe-playwright-python) on every public page type: zero WCAG 2.2 A/AA
violations, at phone and desktop width."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.management import call_command

from tests.browser.conftest import WIDTHS

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
PAGES = {
    "home": "/",
    "trek list": "/treks/",
    "trek": "/treks/lares-trek/",
    "destination": "/destinations/{destination}/",
    "travel style": "/styles/{style}/",
    "destination list": "/destinations/",
    "travel style list": "/styles/",
    "content page": "/about/{content_page}/",
    "contact": "/contact/",
    "not found": "/treks/no-such-trek/",
}

_axe = Axe()


def axe_violations(page):
    results = _axe.run(
        page,
        options={"runOnly": {"type": "tag", "values": WCAG_22_AA}, "resultTypes": ["violations"]},
    )
    return results.violations_count, results.generate_report()


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("page_type", list(PAGES))
def test_page_has_no_wcag_violations(open_page, width, page_type):
    from operator_site.models import ContentPage
    from treks.models import Destination, TravelStyle

    call_command("loaddata", "catalogue", "pages", verbosity=0)
    path = PAGES[page_type].format(
        destination=Destination.objects.first().slug,
        style=TravelStyle.objects.first().slug,
        content_page=ContentPage.objects.first().slug,
    )
    page = open_page(width, path)
    if page_type == "not found":
        # The 404 status itself is what Chromium logs; it is the point of this page.
        page.problems.console_errors[:] = [
            m for m in page.problems.console_errors if "404" not in m
        ]

    count, report = axe_violations(page)

    assert count == 0, report


def _fill_request_form(page, *, stored=True, **values):
    """Fill the request form as a person would; the server gets to judge every value.
    `stored=False`: values the form refuses, so the fill time does not matter and is not
    waited for."""
    form = page.locator("form.inquiry-form")
    form.evaluate("f => { f.noValidate = true; }")  # the server's errors are what is checked
    form.get_by_label("Date of travel").fill(values.get("travel_date", ""))
    form.get_by_label("Number of people").fill(values.get("group_size", ""))
    if values.get("lead_source"):
        form.get_by_label("How did you hear about us?").select_option(values["lead_source"])
    form.get_by_label("Your name").fill(values.get("name", ""))
    form.get_by_label("E-mail").fill(values.get("email", ""))
    form.get_by_label("Phone or WhatsApp (optional)").fill(values.get("phone", ""))
    if stored:
        # A request sent faster than a person fills it (MIN_FILL_SECONDS) is suspected spam.
        page.wait_for_timeout(2500)
    form.get_by_role("button", name="Send my request").click()
    page.wait_for_load_state()
    return page


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("path", ["/treks/lares-trek/", "/contact/"])
def test_request_form_with_errors_has_no_wcag_violations(open_page, width, path):
    from inquiries.models import Inquiry

    call_command("loaddata", "catalogue", verbosity=0)
    page = _fill_request_form(
        open_page(width, path),
        stored=False,
        travel_date="2001-01-01",
        group_size="0",
        name="Ana",
        email="ana@example",
        phone="call me",
    )
    assert page.locator(".is-invalid").count() >= 4  # the error state is what is checked
    assert Inquiry.objects.count() == 0

    count, report = axe_violations(page)

    assert count == 0, report


@pytest.mark.parametrize("width", WIDTHS)
def test_thank_you_page_has_no_wcag_violations(open_page, width):
    import datetime

    from django.utils import timezone

    from inquiries.models import Inquiry

    call_command("loaddata", "catalogue", verbosity=0)
    page = _fill_request_form(
        open_page(width, "/treks/lares-trek/"),
        travel_date=(timezone.localdate() + datetime.timedelta(days=60)).isoformat(),
        group_size="2",
        lead_source="tripadvisor",
        name="Ana Quispe",
        email="ana@example.com",
    )
    assert "/contact/thanks/" in page.url
    assert Inquiry.objects.count() == 1

    count, report = axe_violations(page)

    assert count == 0, report
