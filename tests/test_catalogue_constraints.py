"""What must never be stored is refused by the database itself, and admin says why."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from tests.factories import make_image, make_place, make_stage, make_trek
from treks.models import ItineraryStage, Place, Trek

pytestmark = pytest.mark.django_db


def _refused(fn):
    with pytest.raises(IntegrityError), transaction.atomic():
        fn()


def test_database_refuses_duplicate_slug():
    make_trek(slug="lares-trek")
    _refused(lambda: make_trek(slug="lares-trek"))


def test_database_refuses_two_stages_with_same_day_and_order():
    trek = make_trek()
    make_stage(trek, day=2, order=1)
    _refused(lambda: make_stage(trek, day=2, order=1))


def test_same_day_and_order_on_another_trek_is_fine():
    make_stage(make_trek(), day=1, order=1)
    make_stage(make_trek(), day=1, order=1)
    assert ItineraryStage.objects.count() == 2


def test_database_refuses_negative_distance():
    trek = make_trek()
    _refused(lambda: make_stage(trek, distance_km=Decimal("-1")))


def test_database_refuses_altitude_above_7000_m():
    _refused(lambda: make_place(altitude_m=48000))


def test_altitude_of_7000_m_is_accepted():
    assert make_place(altitude_m=7000).altitude_m == 7000


def test_database_refuses_min_group_above_max():
    _refused(lambda: make_trek(group_size_min=10, group_size_max=4))


def test_database_refuses_negative_price():
    _refused(lambda: make_trek(price_from=Decimal("-5")))


def test_database_refuses_stage_hours_above_a_day():
    trek = make_trek()
    _refused(lambda: make_stage(trek, hours=Decimal("25")))


def test_database_refuses_image_without_alt_text():
    trek = make_trek()
    _refused(lambda: make_image(trek, alt_text=""))


# --- The same rules as form errors in admin ---------------------------------------------------


def _place_form(**overrides):
    data = {"name": "Pass", "altitude_m": "4450", "latitude": "-13.16", "longitude": "-72.12"}
    data.update(overrides)
    return data


def test_admin_shows_error_for_altitude_of_48000_m(staff_client):
    response = staff_client.post(reverse("admin:treks_place_add"), _place_form(altitude_m="48000"))
    assert response.status_code == 200
    assert "Ensure this value is less than or equal to 7000." in response.content.decode()
    assert not Place.objects.exists()


def _trek_form(trek_data, stages=()):
    # Translated fields are posted per language (name_en, name_es): see treks/translation.py.
    data = {
        "name_en": "New Trek",
        "slug_en": "new-trek",
        "summary_en": "Summary.",
        "description_en": "Story.",
        "destination": trek_data["destination"],
        "difficulty": "moderate",
        "crowds": "quiet",
        "start_place": trek_data["start"],
        "end_place": trek_data["end"],
        "best_season_en": "Dry season",
        "group_size_min": "1",
        "group_size_max": "12",
        "currency": "USD",
        "popularity": "100",
        "stages-TOTAL_FORMS": str(len(stages)),
        "stages-INITIAL_FORMS": "0",
        "images-TOTAL_FORMS": "0",
        "images-INITIAL_FORMS": "0",
        "faqs-TOTAL_FORMS": "0",
        "faqs-INITIAL_FORMS": "0",
    }
    for i, stage in enumerate(stages):
        row = {
            "day": "1",
            "order": "1",
            "mode": "walk",
            "title_en": f"Stage {i}",
            "start_place": trek_data["start"],
            "end_place": trek_data["end"],
            "distance_km": "10",
            "hours": "4",
            "ascent_m": "0",
            "descent_m": "0",
            "overnight": "none",
        }
        row.update(stage)
        data.update({f"stages-{i}-{key}": value for key, value in row.items()})
    return data


@pytest.fixture
def trek_refs():
    other = make_trek(slug="taken-slug")
    return {
        "destination": str(other.destination_id),
        "start": str(other.start_place_id),
        "end": str(other.end_place_id),
    }


def test_admin_saves_a_valid_trek_with_stages(staff_client, trek_refs):
    data = _trek_form(trek_refs, stages=[{"day": "1"}, {"day": "2"}])
    response = staff_client.post(reverse("admin:treks_trek_add"), data)
    assert response.status_code == 302, response.context["errors"]
    assert Trek.objects.get(slug="new-trek").stages.count() == 2


def test_admin_shows_error_for_negative_distance(staff_client, trek_refs):
    data = _trek_form(trek_refs, stages=[{"distance_km": "-3"}])
    response = staff_client.post(reverse("admin:treks_trek_add"), data)
    assert response.status_code == 200
    assert "Ensure this value is greater than or equal to 0." in response.content.decode()
    assert not Trek.objects.filter(slug="new-trek").exists()


def test_admin_shows_error_for_duplicate_day(staff_client, trek_refs):
    data = _trek_form(trek_refs, stages=[{"day": "1"}, {"day": "1"}])
    response = staff_client.post(reverse("admin:treks_trek_add"), data)
    assert response.status_code == 200
    assert "Please correct the duplicate data for day and order" in response.content.decode()
    assert not ItineraryStage.objects.exists()


def test_admin_shows_error_for_slug_already_taken(staff_client, trek_refs):
    data = _trek_form(trek_refs)
    data["slug_en"] = "taken-slug"
    response = staff_client.post(reverse("admin:treks_trek_add"), data)
    assert response.status_code == 200
    assert "Another trek already uses this slug." in response.content.decode()
    assert Trek.objects.filter(slug="taken-slug").count() == 1


def test_admin_shows_error_for_min_group_above_max(staff_client, trek_refs):
    data = _trek_form(trek_refs)
    data.update(group_size_min="9", group_size_max="3")
    response = staff_client.post(reverse("admin:treks_trek_add"), data)
    assert response.status_code == 200
    assert "The smallest group cannot be larger than the largest group." in (
        response.content.decode()
    )
