"""Decision guidance on a trek page: the altitude box from the stages, the responsible-travel
facts staff stored, and their bounds in admin."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from operator_site.models import ContentPage
from tests.factories import make_place, make_stage, make_trek, make_walk

pytestmark = pytest.mark.django_db

CAMP = "camp"


def _box(html):
    found = re.search(r'<section aria-labelledby="altitude-heading".*?</section>', html, re.S)
    return found.group(0) if found else None


def _high_trek():
    trek = make_trek()
    cusco = make_place(name="Town", altitude_m=3400)
    camp1 = make_place(name="Upper Camp", altitude_m=3900)
    top = make_place(name="Big Pass", altitude_m=4600)
    camp2 = make_place(name="Low Camp", altitude_m=2900)
    make_stage(trek, day=1, start_place=cusco, end_place=camp1, ascent_m=550, overnight=CAMP)
    make_stage(
        trek,
        day=2,
        start_place=camp1,
        highest_place=top,
        end_place=camp2,
        ascent_m=760,
        descent_m=1700,
        overnight=CAMP,
    )
    return trek


def test_high_trek_page_has_an_altitude_box_built_from_its_stages(client):
    ContentPage.objects.create(
        title="Before You Go",
        slug="before-you-go",
        body="Altitude.",
        is_published=True,
        show_in_nav=True,
    )
    box = _box(client.get(_high_trek().get_absolute_url()).text)
    assert box is not None
    assert "Highest point: <strong>4,600 m</strong> (Big Pass)" in box
    assert "<strong>1 night</strong> at 3,500 m or higher" in box  # Upper Camp, not Low Camp
    assert "Biggest climb: <strong>+760 m</strong> on day 2" in box
    assert 'href="/about/before-you-go/"' in box


def test_altitude_box_is_in_spanish_on_the_spanish_page(client):
    trek = _high_trek()
    box = _box(client.get(f"/es/caminatas/{trek.slug}/").text).replace("\xa0", " ")
    assert "Altitud: planee aclimatarse" in box
    assert "<strong>1 noche</strong> a 3 500 m s. n. m. o más" in box


def test_altitude_box_has_no_link_while_before_you_go_is_unpublished(client):
    ContentPage.objects.create(
        title="Before You Go", slug="before-you-go", body="x", show_in_nav=True
    )
    box = _box(client.get(_high_trek().get_absolute_url()).text)
    assert "/about/before-you-go/" not in box


def test_trek_that_stays_below_3500_m_has_no_altitude_box(client):
    trek = make_walk(make_trek(), 2, start_altitude=2000, step=600)  # tops out at 3,200 m
    assert _box(client.get(trek.get_absolute_url()).text) is None


def _responsible(html):
    return re.search(r'<section aria-labelledby="responsible-heading".*?</section>', html, re.S)[0]


def test_responsible_travel_facts_show_what_staff_stored(client):
    trek = make_walk(
        make_trek(
            group_size_max=10,
            porter_load_kg=20,
            horse_load_kg=70,
            community_visits="A weaving afternoon in Huacahuasi, paid to the weavers' association.",
            waste="Everything carried out to Cusco.",
        ),
        2,
    )
    section = _responsible(client.get(trek.get_absolute_url()).text)
    assert "At most 10 travellers per group" in section
    assert "At most 20 kg, the porter's own gear included" in section
    assert "At most 70 kg per horse or mule" in section
    assert "weaving afternoon in Huacahuasi" in section
    assert "Everything carried out to Cusco." in section


def test_responsible_travel_shows_only_the_group_cap_when_nothing_else_is_stored(client):
    trek = make_walk(make_trek(group_size_max=12), 2)
    section = _responsible(client.get(trek.get_absolute_url()).text)
    assert "At most 12 travellers per group" in section
    for absent in ("Porter loads", "Horse loads", "Community visits", "Waste"):
        assert absent not in section


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("porter_load_kg", 61),
        ("porter_load_kg", -1),
        ("horse_load_kg", 151),
        ("community_visits", "x" * 301),
        ("waste", "x" * 301),
    ],
)
def test_responsible_travel_fields_refuse_values_out_of_bounds(field, value):
    trek = make_trek()
    setattr(trek, field, value)
    with pytest.raises(ValidationError) as error:
        trek.full_clean()
    assert field in error.value.message_dict


def test_trek_admin_edits_the_responsible_travel_facts(staff_client):
    trek = make_trek()
    body = staff_client.get(reverse("admin:treks_trek_change", args=[trek.pk])).text
    for name in ("porter_load_kg", "horse_load_kg", "community_visits_es", "waste_en"):
        assert f'name="{name}"' in body


def test_lares_demo_porter_load_is_on_the_to_confirm_list():
    from django.core.management import call_command

    from operator_site.models import ToConfirm

    call_command("loaddata", "catalogue", "pages", "to_confirm", verbosity=0)
    assert ToConfirm.objects.open().filter(field="porter_load_kg").exists()
