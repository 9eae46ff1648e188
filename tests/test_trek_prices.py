"""Prices by group size, the way operators quote them: admin's bounds, the page's table, "from"
as the lowest tier, JSON-LD Offers; "Ask for a quote" where nothing is quoted."""

import json
import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from tests.factories import make_trek, make_walk
from treks.models import Trek

pytestmark = pytest.mark.django_db

TIERS = "1: 950\n2-3: 780\n4-7: 650\n8+: 590\nprivate 2-3: 1200"


def _section(html):
    return re.search(r'<section aria-labelledby="prices-heading".*?</section>', html, re.S)[0]


def test_price_from_is_the_lowest_tier():
    trek = make_trek(price_tiers=TIERS, price_from=None)
    trek.refresh_from_db()
    assert trek.price_from == Decimal("590")


def test_page_shows_each_tier_per_person_and_from_the_lowest(client):
    trek = make_walk(make_trek(price_tiers=TIERS, currency="USD"), 2)
    html = client.get(trek.get_absolute_url()).text
    table = _section(html)
    for size, price in [("1", "950"), ("2–3", "780"), ("4–7", "650"), ("8 or more", "590")]:
        assert re.search(rf"<th scope=\"row\">{size}</th>\s*<td>USD {price}</td>", table), size
    assert "Private trip" in table and "USD 1,200" in table
    hero = re.search(r'<header class="trek-hero">.*?</header>', html, re.S)[0]
    assert "from USD 590" in hero


def test_json_ld_has_one_offer_per_tier_with_currency_and_group_size(client):
    trek = make_walk(make_trek(price_tiers="2-3: 780\n8+: 590", currency="USD"), 2)
    html = client.get(trek.get_absolute_url()).text
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    (trip,) = [json.loads(b) for b in blocks if "TouristTrip" in b]
    first, second = trip["offers"]
    assert (first["price"], first["priceCurrency"]) == ("780", "USD")
    assert first["eligibleQuantity"]["minValue"] == 2
    assert first["eligibleQuantity"]["maxValue"] == 3
    assert "maxValue" not in second["eligibleQuantity"]


def test_without_quoted_prices_the_page_asks_for_a_quote(client):
    trek = make_walk(make_trek(price_tiers="", price_from=None), 2)
    html = client.get(trek.get_absolute_url()).text
    section = _section(html)
    assert "Ask for a quote" in section
    assert "<table" not in section
    spanish = _section(client.get(f"/es/caminatas/{trek.slug}/").text)
    assert "Pida una cotización" in spanish


@pytest.mark.parametrize(
    "text",
    [
        "two people: 780",  # no number
        "2-3 780",  # no colon
        "3-2: 780",  # the larger first
        "0: 780",  # nobody
        "2-31: 780",  # above the largest group
        "2: -5",  # a negative price
        "2: 1234567",  # seven digits
        "2: 12.345",  # three decimals
        "vip 2: 900",  # an unknown kind
    ],
)
def test_bad_price_lines_are_refused_with_the_line_named(text):
    trek = make_trek()
    trek.price_tiers = text
    with pytest.raises(ValidationError) as error:
        trek.full_clean()
    assert "Line 1" in " ".join(error.value.message_dict["price_tiers"])
    assert Trek.objects.get(pk=trek.pk).price_tiers == ""  # nothing stored


def test_catalogue_card_shows_the_from_price(client):
    make_walk(make_trek(name="Priced", price_tiers="4-7: 650\n2-3: 780"), 2)
    html = client.get("/treks/").text
    assert "from USD 650" in html
