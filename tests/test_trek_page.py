import json
import re
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import make_place, make_stage, make_trek, make_walk

pytestmark = pytest.mark.django_db


def test_published_trek_is_shown(client):
    trek = make_trek(name="Ausangate Circuit")
    response = client.get(trek.get_absolute_url())
    assert response.status_code == 200
    assert "Ausangate Circuit" in response.content.decode()


def test_unpublished_trek_is_not_found(client):
    trek = make_trek(is_published=False)
    response = client.get(trek.get_absolute_url())
    assert response.status_code == 404


def test_unknown_slug_is_a_404_in_the_site_style(client):
    response = client.get(reverse("treks:detail", kwargs={"slug": "no-such-trek"}))
    assert response.status_code == 404
    body = response.content.decode()
    assert "We could not find that page" in body
    assert "+51 914 939913" in body  # the site's own header, not a bare error
    assert "Traceback" not in body


def test_staff_preview_unpublished_trek_with_banner(staff_client):
    trek = make_trek(is_published=False)
    response = staff_client.get(trek.get_absolute_url())
    assert response.status_code == 200
    body = response.content.decode()
    assert "Preview: this trek is not published." in body
    assert '<meta name="robots" content="noindex">' in body


def test_published_trek_has_no_preview_banner(staff_client):
    trek = make_trek()
    body = staff_client.get(trek.get_absolute_url()).content.decode()
    assert "Preview: this trek is not published." not in body


def test_unpublished_alternative_is_not_linked(client):
    trek = make_trek()
    hidden = make_trek(name="Secret Draft Route", is_published=False)
    trek.alternatives.add(hidden)
    body = client.get(trek.get_absolute_url()).content.decode()
    assert "Secret Draft Route" not in body


def test_page_has_seo_metadata(client):
    trek = make_trek(summary="A fine walk above the clouds.")
    body = client.get(trek.get_absolute_url()).content.decode()
    assert f'<link rel="canonical" href="http://testserver{trek.get_absolute_url()}">' in body
    assert '<meta name="description" content="A fine walk above the clouds.">' in body
    assert '<meta property="og:title" content="' in body


def _json_ld(body):
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', body, re.S)
    return [json.loads(block) for block in blocks]


def test_json_ld_is_a_tourist_trip_naming_the_trek(client):
    trek = make_walk(make_trek(name="Choquequirao Trek", price_from=Decimal("450")), 3)
    body = client.get(trek.get_absolute_url()).content.decode()
    (data,) = [d for d in _json_ld(body) if d.get("@type") == "TouristTrip"]
    assert data["name"] == "Choquequirao Trek"
    assert "duration" not in data  # not a property of TouristTrip
    (offer,) = data["offers"]
    assert (offer["@type"], offer["price"], offer["priceCurrency"]) == ("Offer", "450.00", "USD")
    # Start place plus one place per day.
    assert data["itinerary"]["numberOfItems"] == 4


def test_json_ld_has_no_offer_without_a_published_price(client):
    trek = make_walk(make_trek(price_from=None), 2)
    (data,) = [d for d in _json_ld(client.get(trek.get_absolute_url()).text) if "itinerary" in d]
    assert "offers" not in data


def test_json_ld_cannot_be_broken_out_of(client):
    trek = make_trek(summary="</script><script>alert(1)</script>")
    body = client.get(trek.get_absolute_url()).content.decode()
    assert "</script><script>alert(1)" not in body
    (data,) = [d for d in _json_ld(body) if d.get("@type") == "TouristTrip"]
    assert data["description"] == "</script><script>alert(1)</script>"


def test_profile_points_match_the_stages(client):
    trek = make_trek()
    a = make_place(name="Low Camp", altitude_m=3000)
    b = make_place(name="High Pass", altitude_m=4600)
    c = make_place(name="Valley Town", altitude_m=2800)
    make_stage(trek, day=1, start_place=a, end_place=b, distance_km=Decimal("6"), ascent_m=1600)
    make_stage(trek, day=2, start_place=b, end_place=c, distance_km=Decimal("9.5"), descent_m=1800)
    body = client.get(trek.get_absolute_url()).content.decode()
    wide = body[: body.index('class="chart-svg chart-narrow"')]  # the phone's copy follows
    points = re.findall(r'class="profile-point"[^>]*data-km="([\d.]+)" data-altitude="(\d+)"', wide)
    assert points == [("0", "3000"), ("6", "4600"), ("15.5", "2800")]
    # The same figures in the accessible table.
    table = body[body.index("Elevation profile as a table") :]
    for place, altitude in [
        ("Low Camp", "3,000"),
        ("High Pass", "4,600"),
        ("Valley Town", "2,800"),
    ]:
        assert re.search(
            rf"<th scope=\"row\">{place}</th><td>[\d.]+ km</td><td>{altitude} m", table
        )


def test_profile_y_coordinates_rise_with_altitude(client):
    trek = make_walk(make_trek(), 3, start_altitude=3000, step=400)
    body = client.get(trek.get_absolute_url()).content.decode()
    wide = body[: body.index('class="chart-svg chart-narrow"')]  # the phone's copy follows
    ys = [float(y) for y in re.findall(r'class="profile-point" cx="[\d.]+" cy="([\d.]+)"', wide)]
    assert len(ys) == 4
    assert ys == sorted(ys, reverse=True)  # higher altitude, smaller y


def test_transport_legs_are_in_the_itinerary_but_not_the_walking_figures(client):
    trek = make_trek()
    town = make_place(name="Calca Town", altitude_m=2928)
    start = make_place(name="Trailhead", altitude_m=3100)
    make_stage(trek, day=1, order=1, mode="bus", start_place=town, end_place=start, distance_km=50)
    make_stage(trek, day=1, order=2, start_place=start, distance_km=Decimal("12"))
    body = client.get(trek.get_absolute_url()).content.decode()
    assert "Bus or van:" in body
    # The walking distance leaves out the 50 km bus ride.
    assert re.search(r"Walking distance</dt><dd>12 km", body)


def _count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_query_count_is_the_same_with_3_or_30_stages(client):
    short = make_walk(make_trek(), 3)
    long = make_walk(make_trek(), 30)
    for trek in (short, long):
        trek.alternatives.add(make_walk(make_trek(), 2), make_walk(make_trek(), 4))
    short_count = _count_queries(client, short.get_absolute_url())
    cache.clear()  # both cold
    long_count = _count_queries(client, long.get_absolute_url())
    assert short_count == long_count
    assert long_count <= 9  # the operator's details: one read per content version


def test_itinerary_and_charts_escape_what_staff_typed(client):
    trek = make_trek()
    odd = make_place(name="Abra <Huayllaccasa> & co")
    make_stage(trek, title="Up to <the> pass", end_place=odd, description="Cold <b>", meals="B & L")

    body = client.get(trek.get_absolute_url()).content.decode()

    assert "<Huayllaccasa>" not in body and "<the>" not in body and "<b>" not in body
    assert "Abra &lt;Huayllaccasa&gt; &amp; co" in body  # itinerary, profile, sketch, table
    assert body.count("Abra &lt;Huayllaccasa&gt; &amp; co") >= 4
    assert "Up to &lt;the&gt; pass" in body
    assert "Meals: B &amp; L" in body
