"""The contact page: the operator's ways to be reached (only those set) and a trek choice."""

import pytest
from django.urls import reverse
from django.utils import translation

from inquiries.models import Inquiry
from tests.factories import inquiry_post_data, make_trek, set_operator

pytestmark = pytest.mark.django_db


def test_contact_page_shows_phone_and_whatsapp_but_no_unset_email_address_or_hours(client):
    body = client.get(reverse("inquiries:contact")).content.decode()
    assert 'href="tel:+51914939913"' in body
    assert 'href="https://wa.me/51914939913"' in body
    assert "mailto:" not in body
    assert "<address" not in body
    assert "Opening hours" not in body


def test_contact_page_shows_email_address_and_hours_from_the_operators_details(client):
    set_operator(
        email="info@example.com", address="Calle Plateros 1, Cusco", hours="Mon-Sat 9:00-19:00"
    )
    body = client.get(reverse("inquiries:contact")).content.decode()
    assert 'href="mailto:info@example.com"' in body
    assert "Calle Plateros 1, Cusco</address>" in body
    assert "Opening hours" in body
    assert "Mon-Sat 9:00-19:00" in body


def test_spanish_contact_page_labels_the_details_and_shows_the_spanish_hours(client):
    set_operator(email="info@example.com", hours_en="Mon-Sat 9:00-19:00", hours_es="L-S 9:00-19:00")
    with translation.override("es"):
        url = reverse("inquiries:contact")
    body = client.get(url).content.decode()
    assert "L-S 9:00-19:00" in body
    assert "Mon-Sat" not in body
    assert "Horario de atención" in body
    assert "Correo electrónico" in body or "E-mail" in body


def test_contact_form_offers_the_published_treks(client):
    make_trek(name="Lares Trek")
    make_trek(name="Hidden Trek", is_published=False)
    body = client.get(reverse("inquiries:contact")).content.decode()
    assert 'name="trek"' in body
    assert "Lares Trek" in body
    assert "Hidden Trek" not in body


def test_contact_form_stores_the_chosen_trek(client):
    trek = make_trek(name="Lares Trek")
    response = client.post(reverse("inquiries:contact"), inquiry_post_data(trek=str(trek.pk)))
    assert response.status_code == 302
    assert Inquiry.objects.get().trek == trek


def test_contact_form_without_a_trek_stores_none(client):
    make_trek()
    response = client.post(reverse("inquiries:contact"), inquiry_post_data(trek=""))
    assert response.status_code == 302
    assert Inquiry.objects.get().trek is None


@pytest.mark.parametrize("value", ["abc", "999999", "-1"])
def test_contact_form_refuses_an_unknown_trek_and_keeps_the_text(client, value):
    make_trek(name="Lares Trek")
    hidden = make_trek(name="Hidden Trek", is_published=False)
    value = str(hidden.pk) if value == "-1" else value
    response = client.post(
        reverse("inquiries:contact"), inquiry_post_data(trek=value, message="Cinco personas")
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Choose one of the treks in the list, or none." in body
    assert "Cinco personas" in body
    assert not Inquiry.objects.exists()
