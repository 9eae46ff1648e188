"""Every fact of the operator's current Lares page must reach our Lares page (issue 3)."""

import pytest
from django.core.management import call_command

from tests.conftest import isolated_storage_settings
from tests.services import empty_cache
from treks.models import Trek

pytestmark = pytest.mark.django_db

SEED_FACTS = [
    "two or three days",
    "64 kilometres north of Cusco",
    "56 kilometres east of Machu Picchu",
    "Urubamba (Urupampa) mountain range",
    "Sacred Valley",
    "5-hour trip by bus or van",
    "Inca culture to carry food and to send messages",
    "llama and the alpaca",
    "20 pounds",
    "alpaca was kept for clothing and food",
    "thermal medicinal baths",
    "lagoons",
    "cloud forest",
    "snow-capped mountains",
    "birds and plants",
    "weavers and farmers",
    "handmade textiles",
    "Quechua and Spanish",
    "teach you to weave",
    "alternatives to the Inca Trail",
    "no permits are required",
    "calmer than the Inca Trail",
    "shortest (33 km)",
    "only one pass",
    "around 6 am",
    "Calca (2,928 m above sea level)",
    "3-hour ride reaches Lares",
    "walk for 5 hours to the first camp at Huacahuasi",
    "traditional weavers&#x27; village",
    "shortest and steepest",
    "Ipsaycocha Pass",
    "camp beside Ipsaycocha Lake",
    "all descent",
    "Patacancha",
    "Huilloc",
    "Ollantaytambo",
    "train to Aguas Calientes",
    "also thermal baths",
    "up to Machu Picchu",
    # The operator's name, tagline and phone in the header.
    "Salkantay Trek Machu",
    "Sustainable Tourism Operator",
    "+51 914 939913",
    # The alternatives.
    "Classic Inca Trail",
    "Short Inca Trail",
    "Salkantay Trek",
]

# Typos on the operator's page that must not reach ours.
SEED_TYPOS = ["Huacauasi", "mountain rage", "descend.", "Alternatives Treks"]


@pytest.fixture(scope="module")
def lares_body(django_db_setup, django_db_blocker, tmp_path_factory):
    """The Lares page of the demo catalogue, rendered once for this module's read-only checks
    (it was loaded 53 times): in a transaction rolled back at once, with the storage
    settings each test has (tests/conftest.py), its cache emptied before and after."""
    from django.core.cache import caches
    from django.db import transaction
    from django.test import Client, override_settings
    from django.utils import translation

    with (
        override_settings(**isolated_storage_settings(tmp_path_factory.mktemp("lares"))),
        translation.override("en"),
        django_db_blocker.unblock(),
    ):
        empty_cache()
        with transaction.atomic():
            call_command("loaddata", "catalogue", verbosity=0)
            response = Client().get("/treks/lares-trek/")
            transaction.set_rollback(True)
        empty_cache()
        caches["fragments"].clear()
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("fact", SEED_FACTS)
def test_seed_fact_is_on_the_lares_page(lares_body, fact):
    assert fact in lares_body


@pytest.mark.parametrize("typo", SEED_TYPOS)
def test_seed_typos_are_cleaned(lares_body, typo):
    assert typo not in lares_body


def test_key_facts_are_derived_from_the_stages(lares_body):
    # 12 + 5 + 2 + 6 + 3 + 5 km on foot; the pass is the highest point; 4 days, 3 on foot.
    assert "33 km" in lares_body
    assert "4,450 m" in lares_body
    assert "4 days" in lares_body
    assert "(3 on foot)" in lares_body
    assert "Not required" in lares_body


def test_comparison_table_lists_the_alternatives_with_their_facts(lares_body):
    table = lares_body[lares_body.index('class="table comparison"') :]
    table = table[: table.index("</table>")]
    for name, distance, top in [
        ("Lares Trek", "33 km", "4,450 m"),
        ("Classic Inca Trail", "42 km", "4,215 m"),
        ("Short Inca Trail", "12 km", "2,720 m"),
        ("Salkantay Trek", "69 km", "4,600 m"),
    ]:
        row = table[table.index(name) :]
        row = row[: row.index("</tr>")]
        assert distance in row
        assert top in row
    assert table.count("Required") == 2  # the two Inca Trails need permits


def test_every_itinerary_day_is_shown(lares_body):
    for day in (1, 2, 3, 4):
        assert f">Day {day}<" in lares_body


def test_fixture_treks_agree_with_their_advertised_distance():
    call_command("loaddata", "catalogue", verbosity=0)
    treks = Trek.objects.with_stages()
    assert treks.count() == 4
    for trek in treks:
        assert trek.distance_mismatch() is None, trek.name


def test_route_sketch_draws_every_place(lares_body):
    for variant in ("wide", "narrow"):
        _assert_sketch_names_every_place(lares_body, variant)


def _assert_sketch_names_every_place(lares_body, variant):
    sketch = lares_body[lares_body.index(f'id="sketch-title-{variant}"') :]
    sketch = sketch[: sketch.index("</svg>")]
    for place in [
        "Cusco",
        "Calca",
        "Lares",
        "Huacahuasi",
        "Ipsaycocha Pass",
        "Ipsaycocha Lake",
        "Patacancha",
        "Huilloc",
        "Ollantaytambo",
        "Aguas Calientes",
        "Machu Picchu",
    ]:
        assert f">{place} <tspan" in sketch
