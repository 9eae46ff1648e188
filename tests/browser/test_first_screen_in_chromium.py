"""The first screen of a page on a phone and on a desktop: the call to action is on it, the menu
is one row on a desktop and a small closed disclosure on a phone. Measured through the DOM's
bounding boxes in Chromium."""

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from tests.browser.conftest import WIDTHS, horizontal_overflow

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

VIEWPORT_HEIGHT = 900  # open_page's viewport
PAGES = ["/", "/treks/", "/treks/lares-trek/", "/es/", "/es/caminatas/caminata-lares/"]


@pytest.fixture
def demo_site():
    call_command("loaddata", "catalogue", "pages", verbosity=0)


def _box(locator):
    box = locator.bounding_box()
    assert box is not None, "not rendered"
    return box


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("path", PAGES)
def test_request_information_is_on_the_first_screen(open_page, demo_site, width, path):
    page = open_page(width, path)
    name = "Solicitar información" if path.startswith("/es/") else "Request information"
    links = page.get_by_role("link", name=name, exact=True)
    on_screen = [
        box
        for box in (links.nth(i).bounding_box() for i in range(links.count()))
        if box and box["width"] > 0 and 0 <= box["y"] <= VIEWPORT_HEIGHT - box["height"]
    ]
    assert on_screen, f"no visible “{name}” link in the first {VIEWPORT_HEIGHT} px"
    assert horizontal_overflow(page) == 0


@pytest.mark.parametrize("path", ["/treks/lares-trek/", "/es/caminatas/caminata-lares/"])
def test_phone_bar_stays_on_screen_and_fits_it(open_page, demo_site, path):
    page = open_page(375, path)
    page.mouse.wheel(0, 6000)
    name = "Contacto rápido" if "/es/" in path else "Quick contact"
    bar = page.get_by_role("navigation", name=name)
    expect(bar).to_be_visible()
    box = _box(bar)
    assert box["y"] + box["height"] == pytest.approx(VIEWPORT_HEIGHT, abs=1)
    for link in bar.get_by_role("link").all():
        lb = _box(link)
        assert lb["x"] >= 0 and lb["x"] + lb["width"] <= 375, link.inner_text()
        assert lb["height"] >= 24  # WCAG 2.2 target size
        assert float(link.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")) >= 12


def test_hero_button_jumps_to_the_request_form(open_page, demo_site):
    page = open_page(375, "/treks/lares-trek/")
    page.locator(".trek-hero").get_by_role("link", name="Request information").click()
    heading = page.get_by_role("heading", name="Request information", level=2)
    expect(heading).to_be_in_viewport()
    assert page.url.endswith("#request-information")


@pytest.mark.parametrize("path", ["/treks/lares-trek/", "/es/caminatas/caminata-lares/"])
def test_desktop_menu_is_one_row_and_has_no_phone_bar(open_page, demo_site, path):
    page = open_page(1280, path)
    nav = page.get_by_role("navigation", name="Main" if "/es/" not in path else "Principal")
    links = nav.get_by_role("link").all()
    assert len(links) == 8  # the travel blog's "Travel Blog" included
    tops = {round(_box(link)["y"]) for link in links}
    assert len(tops) == 1, f"menu on {len(tops)} rows"
    expect(page.locator(".action-bar")).to_be_hidden()


@pytest.mark.parametrize("javascript", [True, False])
def test_phone_menu_is_closed_small_and_opens_without_a_script(open_page, demo_site, javascript):
    page = open_page(375, "/treks/lares-trek/", javascript=javascript)
    nav = page.get_by_role("navigation", name="Main")
    assert _box(nav)["height"] <= 64
    assert _box(page.locator(".site-header"))["height"] <= 130
    expect(nav.get_by_role("link", name="Peru destinations")).to_be_hidden()
    nav.get_by_text("Menu").click()
    link = nav.get_by_role("link", name="Peru destinations")
    expect(link).to_be_visible()
    link.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Peru destinations")
