import pytest
from django.urls import reverse

from tests.factories import (
    make_destination,
    make_image,
    make_place,
    make_stage,
    make_style,
    make_trek,
)
from treks.models import TrekFAQ

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue_objects():
    trek = make_trek()
    return {
        "trek": trek,
        "destination": make_destination(),
        "travelstyle": make_style(),
        "place": make_place(),
        "itinerarystage": make_stage(trek),
        "trekfaq": TrekFAQ.objects.create(trek=trek, question="Q?", answer="A."),
        "trekimage": make_image(trek),
    }


MODELS = ["trek", "destination", "travelstyle", "place", "itinerarystage", "trekfaq", "trekimage"]


@pytest.mark.parametrize("model", MODELS)
@pytest.mark.parametrize("view", ["changelist", "add", "change"])
def test_admin_pages_load_for_staff(staff_client, catalogue_objects, model, view):
    args = [catalogue_objects[model].pk] if view == "change" else []
    response = staff_client.get(reverse(f"admin:treks_{model}_{view}", args=args))
    assert response.status_code == 200


@pytest.mark.parametrize("model", MODELS)
@pytest.mark.parametrize("view", ["changelist", "add", "change"])
def test_admin_pages_redirect_anonymous_to_login(client, catalogue_objects, model, view):
    args = [catalogue_objects[model].pk] if view == "change" else []
    url = reverse(f"admin:treks_{model}_{view}", args=args)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_admin_search_finds_trek_by_name(staff_client):
    make_trek(name="Ausangate Circuit")
    make_trek(name="Choquequirao")
    response = staff_client.get(reverse("admin:treks_trek_changelist"), {"q": "ausangate"})
    body = response.content.decode()
    assert "Ausangate Circuit" in body
    assert "Choquequirao" not in body


def test_publish_action_publishes(staff_client):
    trek = make_trek(is_published=False)
    staff_client.post(
        reverse("admin:treks_trek_changelist"),
        {"action": "publish", "_selected_action": [trek.pk]},
    )
    trek.refresh_from_db()
    assert trek.is_published


def test_change_page_links_to_view_on_site(staff_client):
    trek = make_trek(is_published=False)
    body = staff_client.get(reverse("admin:treks_trek_change", args=[trek.pk])).content.decode()
    assert "View on site" in body
