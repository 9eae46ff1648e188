"""A traveller and a staff member using the site in a real browser, at phone and desktop width."""

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from tests.browser.conftest import WIDTHS, horizontal_overflow
from tests.factories import make_place, make_stage, make_trek

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo_catalogue():
    """The real Lares page: these tests are about the demo content a visitor sees first."""
    call_command("loaddata", "catalogue", verbosity=0)


@pytest.mark.parametrize("width", WIDTHS)
def test_traveller_reads_the_lares_page_without_sideways_scrolling(
    open_page, demo_catalogue, width
):
    page = open_page(width, "/treks/lares-trek/")

    expect(page.get_by_role("heading", level=1)).to_contain_text("Lares")
    itinerary = page.locator("ol.itinerary")
    itinerary.scroll_into_view_if_needed()
    expect(itinerary).to_be_visible()
    expect(itinerary.locator(".itinerary-day").first).to_be_visible()
    profile = page.get_by_role("img", name="Elevation profile of the Lares Trek")
    expect(profile).to_be_visible()
    sketch = page.get_by_role("img", name="Route sketch of the Lares Trek")
    expect(sketch).to_be_visible()
    # The charts keep a readable size and fit the screen (test_charts_in_chromium.py measures
    # their text and labels).
    for chart in (profile, sketch):
        box = chart.bounding_box()
        assert box["width"] > 200
        assert box["x"] + box["width"] <= width
    assert horizontal_overflow(page) == 0


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("path", ["/", "/treks/", "/treks/lares-trek/"])
def test_pages_fit_the_screen(open_page, demo_catalogue, width, path):
    page = open_page(width, path)
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert horizontal_overflow(page) == 0


@pytest.mark.parametrize("width", WIDTHS)
def test_site_works_with_javascript_disabled(open_page, demo_catalogue, width):
    page = open_page(width, "/", javascript=False)
    expect(page.get_by_role("heading", level=1)).to_be_visible()

    nav = page.get_by_role("navigation", name="Main")
    expect(nav).to_be_visible()
    if width < 768:
        # A phone's menu is a closed disclosure: a native <details>, opened without a script.
        nav.get_by_text("Menu").click()
    nav.get_by_role("link", name="Most popular trips").click()
    expect(page).to_have_url(f"{page.context._impl_obj._options['baseURL']}/treks/")
    page.get_by_role("link", name="Lares Trek").first.click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Lares")
    expect(page.locator("ol.itinerary")).to_be_visible()
    # Native <details> open without any script.
    page.get_by_text("Elevation profile as a table").click()
    expect(page.get_by_role("table", name="Points along the Lares Trek")).to_be_visible()


def test_keyboard_reaches_main_content_through_the_skip_link(open_page, demo_catalogue):
    page = open_page(375, "/treks/lares-trek/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()


@pytest.mark.parametrize("width", WIDTHS)
def test_staff_edit_of_a_pass_altitude_shows_on_the_trek_page_at_once(
    open_page, django_user_model, width
):
    from operator_site.second_factor import enrol

    editor = django_user_model.objects.create_superuser("editor", "", "a-long-test-pass")
    _totp, codes = enrol(editor)
    trek = make_trek(name="Lares Trek", slug="lares-trek")
    pass_ = make_place(name="Ipsaycocha Pass", altitude_m=4450)
    make_stage(trek, end_place=pass_, ascent_m=600)

    public = open_page(width, trek.get_absolute_url())
    expect(public.locator(".key-facts")).to_contain_text("4,450 m")

    admin = open_page(width, "/admin/login/")
    admin.get_by_label("Username").fill("editor")
    admin.get_by_label("Password").fill("a-long-test-pass")
    admin.get_by_label("Code from your authenticator app, or a recovery code").fill(codes[0])
    admin.get_by_role("button", name="Log in").click()
    admin.goto(f"/admin/treks/place/{pass_.pk}/change/")
    admin.get_by_label("Altitude (m)").fill("4465")
    admin.get_by_role("button", name="Save", exact=True).click()
    expect(admin.locator(".messagelist")).to_contain_text("was changed successfully")

    public.reload()
    expect(public.locator(".key-facts")).to_contain_text("4,465 m")
    expect(public.locator("ol.itinerary")).to_contain_text("4,465 m")
    expect(public.locator("ol.itinerary")).not_to_contain_text("4,450 m")
