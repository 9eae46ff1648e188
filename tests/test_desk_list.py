"""The request list a sales person works from (issue 16, item 1): contact links, the status
badge edited in the list, waiting time, follow-up, and the three filters of the working day."""

import datetime
from urllib.parse import parse_qs, urlparse

import pytest
from django.urls import reverse
from django.utils import timezone

from desk import contact
from inquiries.models import Inquiry
from tests.factories import make_inquiry, make_trek

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:inquiries_inquiry_changelist")


def _rows(client, **params):
    return list(client.get(CHANGELIST, params).context["cl"].result_list)


@pytest.mark.parametrize(
    ("typed", "normalised"),
    [
        ("+44 7911 123456", "+447911123456"),
        ("+51 984 123 456", "+51984123456"),
        ("984 123 456", "+51984123456"),  # no country code: a Peruvian mobile
        ("0044 7911 123456", "+447911123456"),
        ("(084) 234567", "+5184234567"),
    ],
)
def test_phone_numbers_are_normalised_to_e164(typed, normalised):
    assert contact.e164(typed) == normalised


@pytest.mark.parametrize("typed", ["", "call me", "12", "+44 12", "++51 984"])
def test_a_phone_that_is_not_a_number_gets_no_whatsapp_link(typed):
    assert contact.e164(typed) == ""
    assert contact.whatsapp_url(make_inquiry(phone=typed)) == ""


def test_list_links_the_email_and_whatsapp_with_a_greeting_in_the_travellers_language(
    staff_client,
):
    trek = make_trek(name="Lares Trek")
    make_inquiry(name="Ana", email="ana@example.com", phone="+51 984 123 456", trek=trek)
    make_inquiry(name="Lucía", email="lucia@example.com", phone="+34 612 345 678", language="es")
    body = staff_client.get(CHANGELIST).content.decode()
    assert 'href="mailto:ana@example.com"' in body
    assert 'href="mailto:lucia@example.com"' in body
    links = {
        urlparse(href).path: parse_qs(urlparse(href).query)["text"][0]
        for href in _hrefs(body, "https://wa.me/")
    }
    assert links["/51984123456"].startswith("Hello Ana,")
    assert "Lares Trek" in links["/51984123456"]
    assert links["/34612345678"].startswith("Hola, Lucía: te escribimos de")


def _hrefs(body, prefix):
    import html
    import re

    return [html.unescape(h) for h in re.findall(r'href="(' + re.escape(prefix) + r'[^"]*)"', body)]


def test_a_name_that_looks_like_a_link_is_not_put_in_the_greeting():
    inquiry = make_inquiry(name="Refund at evil.example", phone="+51 984 123 456")
    text = parse_qs(urlparse(contact.whatsapp_url(inquiry)).query)["text"][0]
    assert "evil" not in text


def test_status_is_a_coloured_badge_that_saves_from_the_list(staff_client):
    a, b = make_inquiry(), make_inquiry(status=Inquiry.Status.WON)
    body = staff_client.get(CHANGELIST).content.decode()
    assert "desk-status desk-status-new" in body
    assert "desk-status desk-status-won" in body
    response = staff_client.post(
        CHANGELIST,
        {
            "form-TOTAL_FORMS": "2",
            "form-INITIAL_FORMS": "2",
            "form-0-id": str(b.pk),
            "form-0-status": "won",
            "form-1-id": str(a.pk),
            "form-1-status": "quote_sent",
            "_save": "Save",
        },
    )
    assert response.status_code == 302
    a.refresh_from_db()
    assert a.status == "quote_sent"


def test_list_refuses_an_unknown_status(staff_client):
    a = make_inquiry()
    response = staff_client.post(
        CHANGELIST,
        {
            "form-TOTAL_FORMS": "1",
            "form-INITIAL_FORMS": "1",
            "form-0-id": str(a.pk),
            "form-0-status": "paid",
            "_save": "Save",
        },
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    a.refresh_from_db()
    assert a.status == "new"


def test_waiting_filter_shows_new_requests_older_than_24_hours(staff_client):
    now = timezone.now()
    late = make_inquiry(received_at=now - datetime.timedelta(hours=25))
    make_inquiry(received_at=now - datetime.timedelta(hours=23))
    make_inquiry(received_at=now - datetime.timedelta(days=3), status=Inquiry.Status.REPLIED)
    assert _rows(staff_client, waiting="24h") == [late]
    body = staff_client.get(CHANGELIST).content.decode()
    assert "desk-late" in body


def test_follow_up_filter_shows_what_is_due_by_cuscos_today(staff_client):
    today = timezone.localdate()
    due = make_inquiry(follow_up_on=today)
    overdue = make_inquiry(follow_up_on=today - datetime.timedelta(days=2))
    later = make_inquiry(follow_up_on=today + datetime.timedelta(days=1))
    make_inquiry()
    assert set(_rows(staff_client, follow_up="due")) == {due, overdue}
    assert _rows(staff_client, follow_up="planned") == [later]


def test_mine_filter_shows_the_requests_of_whoever_is_logged_in(staff_client, django_user_model):
    me = django_user_model.objects.get(username="staff")
    other = django_user_model.objects.create_user("other", is_staff=True)
    mine = make_inquiry(owner=me)
    make_inquiry(owner=other)
    nobodys = make_inquiry()
    assert _rows(staff_client, mine="me") == [mine]
    assert _rows(staff_client, mine="nobody") == [nobodys]


def test_follow_up_date_is_set_on_the_request_page(staff_client):
    inquiry = make_inquiry()
    url = reverse("admin:inquiries_inquiry_change", args=[inquiry.pk])
    response = staff_client.post(url, {"status": "new", "owner": "", "follow_up_on": "2027-05-14"})
    assert response.status_code == 302, response.context["adminform"].form.errors
    inquiry.refresh_from_db()
    assert inquiry.follow_up_on == datetime.date(2027, 5, 14)


@pytest.mark.parametrize("bad", ["14/05/2027x", "2027-02-30", "tomorrow", "9" * 40])
def test_a_follow_up_date_that_is_not_a_date_is_refused(staff_client, bad):
    inquiry = make_inquiry()
    url = reverse("admin:inquiries_inquiry_change", args=[inquiry.pk])
    response = staff_client.post(url, {"status": "new", "owner": "", "follow_up_on": bad})
    assert response.status_code == 200
    assert "follow_up_on" in response.context["adminform"].form.errors
    inquiry.refresh_from_db()
    assert inquiry.follow_up_on is None


# --- Dates in admin as on the site, in Cusco time (issue 16, item 6) ---------------------------


def test_admin_writes_dates_as_the_site_does_in_cusco_time(staff_client):
    received = datetime.datetime(2027, 1, 15, 3, 30, tzinfo=datetime.UTC)  # 22:30 on the 14th
    inquiry = make_inquiry(travel_date=datetime.date(2027, 5, 14), received_at=received)
    body = staff_client.get(CHANGELIST).content.decode()
    assert "Fri 14 May 2027" in body
    assert "May 14, 2027" not in body
    page = staff_client.get(reverse("admin:inquiries_inquiry_change", args=[inquiry.pk]))
    assert "Thursday 14 January 2027, 22:30" in page.content.decode()


def test_spanish_admin_writes_dates_in_spanish(staff_client):
    received = datetime.datetime(2027, 1, 15, 3, 30, tzinfo=datetime.UTC)
    inquiry = make_inquiry(travel_date=datetime.date(2027, 5, 14), received_at=received)
    from django.utils import translation

    with translation.override("es"):
        changelist = reverse("admin:inquiries_inquiry_changelist")
        change = reverse("admin:inquiries_inquiry_change", args=[inquiry.pk])
    assert changelist.startswith("/es/admin/")
    body = staff_client.get(changelist).content.decode()
    assert "vie 14 may 2027" in body
    page = staff_client.get(change)
    assert "jueves 14 de enero de 2027, 22:30" in page.content.decode()
