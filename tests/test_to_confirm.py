"""Facts still "to confirm": data on the facts, one admin list for staff, a banner for staff
previewing the site; and admin's warnings when stages' ascent or descent lag their places."""

import re
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import IntegrityError
from django.urls import reverse

from operator_site.models import ContentPage, ToConfirm
from tests.factories import make_place, make_stage, make_trek
from treks.models import Trek

pytestmark = pytest.mark.django_db

LIST_URL = "admin:operator_site_toconfirm_changelist"


@pytest.fixture(autouse=True)
def _message_texts_approved():
    """These tests count the site's content; the traveller messages' default texts (on the
    list from trip_messages/0002, tested in test_trip_messages.py) are taken as approved."""
    from django.utils import timezone

    ToConfirm.objects.filter(content_type__app_label="trip_messages").update(
        confirmed_at=timezone.now()
    )


@pytest.fixture
def demo_content():
    call_command("loaddata", "catalogue", "pages", "to_confirm", verbosity=0)


def _mark(obj, field, claim, **kwargs):
    return ToConfirm.objects.create(
        content_type=ContentType.objects.get_for_model(obj),
        object_id=obj.pk,
        field=field,
        claim=claim,
        **kwargs,
    )


def test_demo_placeholders_are_marked_to_confirm(demo_content):
    lares = Trek.objects.get(slug="lares-trek")
    fields = set(
        ToConfirm.objects.open()
        .filter(content_type__model="trek", object_id=lares.pk)
        .values_list("field", flat=True)
    )
    assert {"includes", "excludes", "group_size_max", "best_season", "crowds"} <= fields
    pages = ToConfirm.objects.filter(content_type__model="contentpage")
    claims = " ".join(pages.values_list("claim", flat=True))
    for promise in ("oxygen", "20 kg", "licensed"):
        assert promise in claims
    for item in ToConfirm.objects.all():
        assert item.content is not None, item  # every row points at real content


def test_llama_claim_stays_in_the_story_goes_on_the_list_and_out_of_the_highlights(
    client, demo_content
):
    lares = Trek.objects.get(slug="lares-trek")
    assert "only 20 pounds" in lares.description
    assert "20 pounds" not in lares.highlights
    assert "20 libras" not in lares.highlights_es
    claim = ToConfirm.objects.get(object_id=lares.pk, field="description")
    assert "25–35 kg" in claim.note
    html = client.get(lares.get_absolute_url()).text
    highlights = re.search(r'<ul class="highlights".*?</ul>', html, re.S).group(0)
    assert "pounds" not in highlights


def test_staff_list_opens_on_what_is_still_to_confirm(staff_client):
    trek = make_trek(name="Ausangate")
    _mark(trek, "best_season", "Best season of Ausangate")
    _mark(trek, "crowds", "Crowds of Ausangate", confirmed_at="2026-01-01T00:00Z")
    body = staff_client.get(reverse(LIST_URL)).text
    assert "Best season of Ausangate" in body
    assert "Crowds of Ausangate" not in body
    assert reverse("admin:treks_trek_change", args=[trek.pk]) in body
    everything = staff_client.get(reverse(LIST_URL), {"status": "all"}).text
    assert "Crowds of Ausangate" in everything


def test_confirm_action_takes_a_fact_off_the_list_and_reopen_puts_it_back(staff_client):
    item = _mark(make_trek(), "includes", "Included list")
    staff_client.post(reverse(LIST_URL), {"action": "confirm", "_selected_action": [item.pk]})
    item.refresh_from_db()
    assert item.confirmed_at is not None
    assert ToConfirm.objects.open().count() == 0
    everything = reverse(LIST_URL) + "?status=all"  # the list opens on open facts only
    staff_client.post(everything, {"action": "reopen", "_selected_action": [item.pk]})
    assert ToConfirm.objects.open().count() == 1


def test_the_same_claim_cannot_be_listed_twice():
    trek = make_trek()
    _mark(trek, "crowds", "Crowds")
    with pytest.raises(IntegrityError):
        _mark(trek, "crowds", "Crowds")


def test_staff_previewing_the_site_see_how_much_is_left_to_confirm(staff_client):
    trek = make_trek()
    _mark(trek, "crowds", "Crowds")
    _mark(trek, "best_season", "Season")
    page = ContentPage.objects.create(title="About", slug="about-us", body="x", is_published=True)
    _mark(page, "body", "Licensed guides")
    body = staff_client.get("/").text
    assert "Before launch: 3 facts on the site are still marked “to confirm”." in body
    assert reverse(LIST_URL) in body
    spanish = staff_client.get("/es/").text
    assert "Antes del lanzamiento: 3 datos del sitio siguen marcados «por confirmar»." in spanish


def test_the_public_never_sees_the_to_confirm_banner(client):
    _mark(make_trek(), "crowds", "Crowds")
    assert "to confirm" not in client.get("/").text


def test_no_banner_once_everything_is_confirmed(staff_client):
    _mark(make_trek(), "crowds", "Crowds", confirmed_at="2026-01-01T00:00Z")
    assert "to-confirm-banner" not in staff_client.get("/").text


def _place_form(place, altitude):
    return {
        "name_en": place.name,
        "name_es": "",
        "altitude_m": altitude,
        "latitude": place.latitude,
        "longitude": place.longitude,
        "note_en": "",
        "note_es": "",
    }


def test_altitude_edit_of_a_shared_place_warns_about_every_trek_and_lagging_stages(staff_client):
    start = make_place(name="Trailhead", altitude_m=3000)
    pass_ = make_place(name="High Pass", altitude_m=4000)
    end = make_place(name="Village", altitude_m=3500)
    for name in ("Trek One", "Trek Two"):
        trek = make_trek(name=name)
        make_stage(trek, start_place=start, end_place=pass_, ascent_m=1000, title="Up")
        make_stage(trek, order=2, start_place=pass_, end_place=end, descent_m=500, title="Down")
    response = staff_client.post(
        reverse("admin:treks_place_change", args=[pass_.pk]),
        _place_form(pass_, 4200),
        follow=True,
    )
    assert response.status_code == 200
    text = " ".join(str(m) for m in response.context["messages"])
    assert "High Pass is on 2 treks: Trek One, Trek Two." in text
    assert (
        "the ascent, 1000 m, is less than the rise from its start to its highest point, 1200 m"
        in text
    )
    assert (
        "the descent, 500 m, is less than the drop from its highest point to its end, 700 m" in text
    )
    assert text.count("Trek One, day") == 2


def test_consistent_stages_give_no_elevation_warning(staff_client):
    start = make_place(altitude_m=3000)
    top = make_place(altitude_m=3600)
    make_stage(make_trek(), start_place=start, end_place=top, ascent_m=650, descent_m=50)
    response = staff_client.post(
        reverse("admin:treks_place_change", args=[top.pk]), _place_form(top, 3600), follow=True
    )
    text = " ".join(str(m) for m in response.context["messages"])
    assert "less than" not in text


def test_saving_a_stage_with_too_little_ascent_warns(staff_client):
    trek = make_trek()
    stage = make_stage(
        trek,
        start_place=make_place(altitude_m=3000),
        end_place=make_place(altitude_m=3400),
        ascent_m=400,
    )
    stage.ascent_m = 100
    form = {
        "trek": trek.pk,
        "day": 1,
        "order": 1,
        "mode": "walk",
        "title_en": "Up",
        "title_es": "",
        "description_en": "",
        "description_es": "",
        "start_place": stage.start_place_id,
        "end_place": stage.end_place_id,
        "highest_place": "",
        "distance_km": Decimal("5"),
        "ascent_m": 100,
        "descent_m": 0,
        "hours": 3,
        "overnight": "none",
        "meals_en": "",
        "meals_es": "",
    }
    response = staff_client.post(
        reverse("admin:treks_itinerarystage_change", args=[stage.pk]),
        form,
        follow=True,
    )
    text = " ".join(str(m) for m in response.context["messages"])
    assert (
        "the ascent, 100 m, is less than the rise from its start to its highest point, 400 m"
        in text
    )
