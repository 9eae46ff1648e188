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
    from treks.models import Destination, TravelStyle

    call_command("loaddata", "catalogue", verbosity=0)
    path = PAGES[page_type].format(
        destination=Destination.objects.first().slug, style=TravelStyle.objects.first().slug
    )
    page = open_page(width, path)
    if page_type == "not found":
        # The 404 status itself is what Chromium logs; it is the point of this page.
        page.problems.console_errors[:] = [
            m for m in page.problems.console_errors if "404" not in m
        ]

    count, report = axe_violations(page)

    assert count == 0, report
