"""Home, content pages, the menu built from them, destinations and styles."""

import re

import pytest
from django.urls import reverse

from operator_site.text import render_body
from tests.factories import make_destination, make_page, make_style, make_trek, make_walk

pytestmark = pytest.mark.django_db


def nav_links(html):
    nav = re.search(r'<nav class="site-nav".*?</nav>', html, re.S).group(0)
    return re.findall(r'<a href="([^"]+)"[^>]*>([^<]+)</a>', nav)


def test_home_says_who_we_are_and_how_to_reach_us(client):
    html = client.get(reverse("home")).text
    assert "sustainable tourism operator in Cusco" in html
    assert 'href="tel:+51914939913"' in html
    assert 'href="https://wa.me/51914939913" rel="noopener"' in html


def test_home_lists_popular_trips_in_staff_order_and_no_drafts(client):
    make_walk(make_trek(name="Second", popularity=20), 2)
    make_walk(make_trek(name="First", popularity=10), 2)
    make_walk(make_trek(name="Hidden", popularity=1, is_published=False), 2)
    response = client.get(reverse("home"))
    assert [t.name for t in response.context["popular_treks"]] == ["First", "Second"]
    assert "Hidden" not in response.text


def test_home_shows_destinations_styles_and_why_us(client):
    make_destination(name="Sacred Valley")
    make_style(name="Camping")
    make_page(slug="why-travel-with-us", title="Why us?", summary="Local guides, small groups.")
    html = client.get(reverse("home")).text
    assert "Sacred Valley" in html
    assert "Camping" in html
    assert "Local guides, small groups." in html


def test_menu_is_built_from_published_pages_in_position_order(client):
    make_page(title="Before You Go", slug="before", position=50)
    make_page(title="Responsible Travel", slug="responsible", position=40)
    make_page(title="Draft", slug="draft", is_published=False)
    make_page(title="Not in menu", slug="quiet", show_in_nav=False)
    labels = [label for _url, label in nav_links(client.get(reverse("home")).text)]
    assert labels == [
        "Most popular trips",
        "Peru destinations",
        "Activities &amp; travel styles",
        "Responsible Travel",
        "Before You Go",
        "Travel Blog",
        "Contact us",
    ]


def test_menu_has_the_contact_link_once_the_contact_page_exists(client, settings):
    # The inquiries app provides /contact/ (merged from feature/inq).
    make_page(title="Why?", slug="why", position=70)
    links = nav_links(client.get("/").text)
    assert [label for _url, label in links][-2:] == ["Contact us", "Why?"]
    assert ("/contact/", "Contact us") in links


def test_content_page_renders_headings_and_lists_and_escapes_html(client):
    page = make_page(body="Intro <b>bold</b>.\n\n## Packing\n- Boots\n- Hat\n\nLast words.")
    html = client.get(page.get_absolute_url()).text
    assert "<h2>Packing</h2>" in html
    assert "<ul><li>Boots</li><li>Hat</li></ul>" in html
    assert "&lt;b&gt;bold&lt;/b&gt;" in html


def test_render_body_keeps_a_paragraph_after_a_list_in_the_same_block():
    html = render_body("- one\n- two\nafter")
    assert html == "<ul><li>one</li><li>two</li></ul>\n<p>after</p>"


def test_unpublished_page_is_not_found_but_staff_can_preview_it(client, staff_client):
    page = make_page(is_published=False)
    staff_html = staff_client.get(page.get_absolute_url()).text
    assert "Preview: this page is not published." in staff_html
    client.logout()
    assert client.get(page.get_absolute_url()).status_code == 404


def test_destination_and_style_indexes_list_them_with_published_counts(client):
    valley = make_destination(name="Valley")
    camping = make_style(name="Camping")
    trek = make_walk(make_trek(destination=valley), 2)
    trek.styles.add(camping)
    make_trek(destination=valley, is_published=False)
    destinations = client.get(reverse("treks:destinations"))
    assert destinations.status_code == 200
    assert "Valley" in destinations.text and "1 trek" in destinations.text
    styles = client.get(reverse("treks:styles"))
    assert "Camping" in styles.text


def test_destination_page_lists_its_published_treks(client):
    valley = make_destination(name="Valley", slug="valley")
    make_walk(make_trek(name="Shown", destination=valley), 2)
    make_walk(make_trek(name="Draft", destination=valley, is_published=False), 2)
    make_walk(make_trek(name="Elsewhere"), 2)
    response = client.get(valley.get_absolute_url())
    assert [t.name for t in response.context["treks"]] == ["Shown"]
    assert "?destination=valley" in response.text
    assert f'href="{reverse("treks:destinations")}">Back to Peru destinations</a>' in response.text


def test_unknown_destination_or_style_is_not_found(client):
    assert client.get(reverse("treks:destination", args=["atlantis"])).status_code == 404
    assert client.get(reverse("treks:style", args=["levitation"])).status_code == 404
