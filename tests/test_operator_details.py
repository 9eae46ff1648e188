"""The operator's details (issue 26, item 1): one record Content staff edit in admin, validated
as the OPERATOR_* variables are, shown on the next request on every page that shows them."""

import io
import json
import re

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.urls import reverse
from django.utils import translation

from operator_site.models import OperatorDetails
from tests.conftest import verified_login
from tests.factories import inquiry_post_data, make_trek, send_outbox, set_operator

pytestmark = pytest.mark.django_db

CHANGE = reverse("admin:operator_site_operatordetails_change", args=[1])
GOOD = {
    "name": "Salkantay Trek Machu",
    "phone": "+51 914 939913",
    "whatsapp": "",
    "email": "info@example.com",
    "address": "Calle Plateros 1, Cusco",
    "hours_en": "Mon-Sat 9:00-19:00",
    "hours_es": "L-S 9:00-19:00",
    "legal_name": "Salkantay Trek Machu E.I.R.L.",
    "ruc": "20123456786",
    "licence": "DIRCETUR-0001",
    "tripadvisor_url": "",
    "google_reviews_url": "",
    "facebook_url": "https://www.facebook.com/salkantaytrekmachu",
    "instagram_url": "",
}


@pytest.fixture
def content_client(client, django_user_model):
    user = django_user_model.objects.create_user(
        "rosa", "rosa@example.com", "a-long-test-pass", is_staff=True
    )
    user.groups.add(Group.objects.get(name="Content"))
    verified_login(client, user)
    return client


def test_the_first_migrate_seeds_the_record_from_the_operators_page():
    details = OperatorDetails.objects.get()
    assert (details.pk, details.name, details.phone) == (
        1,
        "Salkantay Trek Machu",
        "+51 914 939913",
    )
    assert details.email == details.address == details.ruc == ""  # nothing invented


def test_content_staff_change_the_phone_and_every_page_shows_it_at_once(content_client, client):
    make_trek(name="Lares Trek")
    pages = [reverse("home"), reverse("inquiries:contact")]
    with translation.override("es"):
        pages += [reverse("home"), reverse("inquiries:contact")]
    for page in pages:  # stored for everyone
        assert "+51 914 939913" in client.get(page).text

    response = content_client.post(CHANGE, {**GOOD, "phone": "+51 984 000 111"})

    assert response.status_code == 302, response.context["adminform"].form.errors
    anonymous = type(client)()
    for page in pages:
        html = anonymous.get(page).text
        header, footer = html.split("</header>")[0], html.split("<footer")[1]
        assert 'href="tel:+51984000111"' in header, page
        assert "+51 984 000 111" in footer, page
        assert "+51 914 939913" not in html, page
    json_ld = re.search(
        r'<script type="application/ld\+json"[^>]*>(.*?)</script>', anonymous.get("/").text, re.S
    )
    assert json.loads(json_ld.group(1))["telephone"] == "+51 984 000 111"


def test_the_contact_page_shows_the_hours_in_the_pages_language(client):
    set_operator(hours_en="Mon-Sat 9:00-19:00", hours_es="L-S 9:00-19:00")
    assert "Mon-Sat 9:00-19:00" in client.get(reverse("inquiries:contact")).text
    with translation.override("es"):
        url = reverse("inquiries:contact")
    assert "L-S 9:00-19:00" in client.get(url).text


def test_the_travellers_confirmation_gives_the_new_phone(client):
    set_operator(phone="+51 984 000 111")
    client.post(reverse("inquiries:contact"), inquiry_post_data())
    send_outbox()  # the confirmation is queued with the request, sent by the next run
    confirmation = next(m for m in mail.outbox if m.to == ["ana@example.com"])
    assert "+51 984 000 111" in confirmation.body


def test_the_home_pages_structured_data_has_what_is_set(client):
    set_operator(address="Calle Plateros 1, Cusco", email="info@example.com", ruc="20123456786")
    html = client.get("/").text
    data = json.loads(
        re.search(r'<script type="application/ld\+json"[^>]*>(.*?)</script>', html, re.S).group(1)
    )
    assert data["address"]["streetAddress"] == "Calle Plateros 1, Cusco"
    assert (data["email"], data["taxID"]) == ("info@example.com", "20123456786")


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("name", "", "This field is required."),
        ("phone", "", "This field is required."),
        ("phone", "914", "Enter a phone number with its country code"),
        ("phone", "call us", "Enter a phone number with its country code"),
        ("whatsapp", "+1 555", "Enter a phone number with its country code"),
        ("email", "info@", "Enter a valid email address."),
        ("ruc", "2012345678", "A RUC is 11 digits."),
        ("ruc", "2012345678X", "A RUC is 11 digits."),
        ("ruc", "30123456786", "A RUC starts with 10, 15, 16, 17 or 20."),
        ("ruc", "20123456789", "This RUC&#x27;s last digit does not match the others"),
        ("facebook_url", "http://www.facebook.com/operator", "https:// address of the operator"),
        ("instagram_url", "https://www.instagram.com/", "https:// address of the operator"),
        ("tripadvisor_url", "javascript:alert(1)", "Enter a valid URL."),
        ("google_reviews_url", "https://g.page", "https:// address of the operator"),
    ],
)
def test_bad_details_are_refused_with_a_message_and_nothing_changes(
    content_client, field, value, message
):
    before = OperatorDetails.objects.values().get()
    response = content_client.post(CHANGE, {**GOOD, field: value})
    assert response.status_code == 200
    assert message in response.text
    assert OperatorDetails.objects.values().get() == before


def test_the_record_can_be_neither_added_twice_nor_deleted(staff_client):
    add = reverse("admin:operator_site_operatordetails_add")
    assert staff_client.get(add).status_code == 403
    assert staff_client.post(add, GOOD).status_code == 403
    delete = reverse("admin:operator_site_operatordetails_delete", args=[1])
    assert staff_client.post(delete, {"post": "yes"}).status_code == 403
    assert OperatorDetails.objects.count() == 1


def test_a_second_row_is_refused_by_the_database():
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        OperatorDetails.objects.bulk_create(
            [OperatorDetails(pk=2, name="x", phone="+51 914 939913")]
        )


def test_sales_staff_cannot_change_the_details(client, django_user_model):
    user = django_user_model.objects.create_user(
        "luis", "l@example.com", "pw-12345678", is_staff=True
    )
    user.groups.add(Group.objects.get(name="Sales"))
    verified_login(client, user)
    assert client.post(CHANGE, {**GOOD, "phone": "+51 984 000 111"}).status_code == 403
    assert OperatorDetails.objects.get().phone == "+51 914 939913"


def test_prepare_site_makes_the_record_again_when_it_is_missing(settings, tmp_path):
    OperatorDetails.objects.all().delete()
    from operator_site.management.commands.prepare_site import Command

    Command(stdout=io.StringIO()).ensure_operator_details()
    assert OperatorDetails.objects.get().name == "Salkantay Trek Machu"


def test_pages_show_the_seed_values_while_the_record_is_missing(client):
    OperatorDetails.objects.all().delete()
    assert 'href="tel:+51914939913"' in client.get("/").text


def test_no_code_reads_the_operator_from_settings_but_the_seed():
    """After a merge, code that still reads settings.OPERATOR* would show stale details."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    stale = [
        str(path.relative_to(root))
        for folder in (
            "operator_site",
            "treks",
            "inquiries",
            "blog",
            "reviews",
            "desk",
            "bookings",
            "outbox",
            "trip_messages",
            "pages",
            "templates",
        )
        for path in (root / folder).rglob("*.py")
        if re.search(r"settings\.OPERATOR(?!_SEED)", path.read_text())
    ]
    assert stale == []
