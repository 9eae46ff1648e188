"""What the top of a trek page and every page's phone bar offer a traveller ready to ask."""

import json
import re
from decimal import Decimal

import pytest

from tests.factories import make_trek, make_walk

pytestmark = pytest.mark.django_db


def hero(html):
    return re.search(r'<header class="trek-hero">.*?</header>', html, re.S).group(0)


def test_hero_gives_the_key_facts_and_a_button_to_the_form(client):
    trek = make_walk(make_trek(name="Quiet Valley", difficulty="challenging"), 3, km=8)
    html = client.get(trek.get_absolute_url()).text
    top = hero(html)
    assert "3 days" in top
    assert "24 km on foot" in top
    assert "up to 3,300 m" in top
    assert "Challenging" in top
    assert re.search(r'<a class="btn btn-primary btn-lg" href="#request-information">', top)
    # The button lands on the form, which keeps that id.
    assert 'id="request-information"' in html


def test_hero_says_ask_for_a_quote_when_no_price_is_known(client):
    trek = make_walk(make_trek(price_from=None), 2)
    top = hero(client.get(trek.get_absolute_url()).text)
    assert "Ask for a quote" in top
    assert "On request" not in top


def test_hero_shows_the_lowest_price_per_person_when_one_is_known(client):
    trek = make_walk(make_trek(price_from=Decimal("1250"), currency="USD"), 2)
    top = hero(client.get(trek.get_absolute_url()).text)
    assert "from USD 1,250" in top
    assert "per person" in top


def test_phone_bar_on_a_trek_page_jumps_to_its_form(client):
    trek = make_walk(make_trek(), 2)
    html = client.get(trek.get_absolute_url()).text
    bar = re.search(r'<nav class="action-bar".*?</nav>', html, re.S).group(0)
    assert 'href="#request-information">Request information</a>' in bar
    assert 'href="tel:+51914939913"' in bar
    assert 'href="https://wa.me/51914939913"' in bar


def test_phone_bar_elsewhere_leads_to_the_contact_page(client):
    html = client.get("/").text
    bar = re.search(r'<nav class="action-bar".*?</nav>', html, re.S).group(0)
    assert 'href="/contact/">Request information</a>' in bar


def test_phone_bar_and_hero_are_in_spanish_on_spanish_pages(client):
    trek = make_walk(make_trek(price_from=None), 2)
    html = client.get(f"/es/caminatas/{trek.slug}/").text
    bar = re.search(r'<nav class="action-bar".*?</nav>', html, re.S).group(0)
    assert "Solicitar información" in bar
    assert ">Llamar<" in bar
    assert "Pida una cotización" in hero(html)
    assert "km a pie" in hero(html)


def test_menu_is_a_disclosure_that_needs_no_script(client):
    html = client.get("/").text
    nav = re.search(r'<nav class="site-nav".*?</nav>', html, re.S).group(0)
    assert '<details class="nav-menu">' in nav
    assert "<summary>Menu</summary>" in nav
    # No script runs on the page: the only <script> is structured data.
    assert not re.search(r'<script(?! type="application/ld\+json")', html)


def test_home_page_describes_the_operator_as_a_travel_agency(client):
    html = client.get("/").text
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    (agency,) = [json.loads(b) for b in blocks if '"TravelAgency"' in b]
    assert agency["telephone"] == "+51 914 939913"
    assert agency["address"] == {
        "@type": "PostalAddress",
        "addressLocality": "Cusco",
        "addressCountry": "PE",
    }


def test_menus_most_popular_trips_leads_to_a_page_titled_the_same(client):
    html = client.get("/").text
    nav = re.search(r'<nav class="site-nav".*?</nav>', html, re.S).group(0)
    href = re.search(r'<a href="([^"]+)"[^>]*>Most popular trips</a>', nav).group(1)
    assert "<h1>Most popular trips</h1>" in client.get(href).text
    assert "<h1>Viajes más populares</h1>" in client.get("/es/caminatas/").text
