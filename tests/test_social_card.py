"""The default social card: a real 1200x630 PNG drawn with Pillow, shared by every page without
a photo of its own; a trek with a cover photo keeps its photo."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation
from PIL import Image

from tests.factories import make_image, make_trek, make_walk, set_operator

pytestmark = pytest.mark.django_db


def test_command_draws_a_1200_by_630_png(tmp_path):
    output = tmp_path / "card.png"
    call_command("make_social_card", output=output, stdout=io.StringIO())
    with Image.open(output) as image:
        assert image.format == "PNG"
        assert image.size == (1200, 630)


def test_the_card_is_a_1200_by_630_png_drawn_again_when_the_phone_changes(client):
    first = client.get(reverse("social_card"))
    assert first["Content-Type"] == "image/png"
    with Image.open(io.BytesIO(first.content)) as image:
        assert (image.format, image.size) == ("PNG", (1200, 630))
    assert client.get(reverse("social_card")).content == first.content
    set_operator(phone="+51 984 000111")
    assert client.get(reverse("social_card")).content != first.content


def test_home_page_shares_the_site_card_with_its_size_and_alt(client):
    html = client.get(reverse("home")).content.decode()
    assert '<meta property="og:image" content="http' in html
    assert "og-card" in html and ".png" in html
    assert '<meta property="og:image:width" content="1200">' in html
    assert '<meta property="og:image:height" content="630">' in html
    assert "Salkantay Trek Machu, trek operator in Cusco" in html


def test_spanish_page_has_the_cards_alt_in_spanish(client):
    with translation.override("es"):
        url = reverse("home")
    html = client.get(url).content.decode()
    assert "Salkantay Trek Machu, operador de caminatas en Cusco" in html


def test_trek_without_a_photo_shares_the_site_card(client):
    trek = make_walk(make_trek(), 2)
    html = client.get(trek.get_absolute_url()).content.decode()
    assert "og-card" in html
    assert html.count('property="og:image"') == 1


def test_trek_with_a_cover_photo_shares_its_photo_not_the_card(client):
    trek = make_walk(make_trek(), 2)
    make_image(trek, alt_text="Huacahuasi at dawn")
    html = client.get(trek.get_absolute_url()).content.decode()
    assert "og-card" not in html
    assert '<meta property="og:image:alt" content="Huacahuasi at dawn">' in html
    assert html.count('property="og:image"') == 1
