"""A group larger than a trek's largest group is never turned away: it is stored as a
large-group request, the traveller is told so, and staff find it with one filter. Above the
hard bound (60) the number is refused with a clear message; a departure's seats still bound it."""

import pytest
from django.core import mail
from django.urls import reverse

from inquiries.models import MAX_GROUP_SIZE, Inquiry
from tests.factories import (
    inquiry_post_data,
    make_departure,
    make_inquiry,
    make_trek,
    make_walk,
    send_outbox,
)

pytestmark = pytest.mark.django_db


def _trek_url(trek):
    return reverse("inquiries:trek_request", kwargs={"slug": trek.slug})


def test_a_group_larger_than_the_treks_largest_is_stored_as_a_large_group(client):
    trek = make_walk(make_trek(group_size_max=12), 2)
    response = client.post(_trek_url(trek), inquiry_post_data(group_size="13"))
    assert response.status_code == 302
    inquiry = Inquiry.objects.get()
    assert inquiry.group_size == 13
    assert inquiry.is_large_group


def test_a_group_within_the_treks_largest_is_not_a_large_group(client):
    trek = make_walk(make_trek(group_size_max=12), 2)
    client.post(_trek_url(trek), inquiry_post_data(group_size="12"))
    assert not Inquiry.objects.get().is_large_group


def test_the_hard_bound_is_accepted_and_one_more_is_refused_with_the_text_kept(client):
    trek = make_walk(make_trek(group_size_max=12), 2)
    assert client.post(_trek_url(trek), inquiry_post_data(group_size="60")).status_code == 302
    response = client.post(
        _trek_url(trek), inquiry_post_data(group_size="61", message="Un colegio entero")
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Up to 60 people in one request; for a larger party, please call or write" in body
    assert "Un colegio entero" in body
    assert Inquiry.objects.count() == 1
    assert MAX_GROUP_SIZE == 60


def test_the_form_says_a_larger_group_is_welcome(client):
    trek = make_walk(make_trek(group_size_max=12), 2)
    body = client.get(trek.get_absolute_url()).content.decode()
    assert "Up to 12 in one group; a larger group is welcome too" in body
    assert 'max="60"' in body


def test_thank_you_page_and_emails_say_it_is_a_large_group(
    client, django_capture_on_commit_callbacks
):
    trek = make_walk(make_trek(group_size_max=12), 2)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_trek_url(trek), inquiry_post_data(group_size="20"))
    thanks = client.get(response["Location"]).content.decode()
    assert 'id="large-group"' in thanks
    assert "This is a large-group request: more than 12 people" in thanks
    send_outbox()
    bodies = {m.to[0]: m.body for m in mail.outbox}
    assert "This is a large-group request: more than 12 people" in bodies["ana@example.com"]
    staff = [body for to, body in bodies.items() if to != "ana@example.com"]
    assert staff and "Large group: more than this trek's largest group (12)." in staff[0]


def test_an_ordinary_request_gets_no_large_group_note(client, django_capture_on_commit_callbacks):
    trek = make_walk(make_trek(group_size_max=12), 2)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_trek_url(trek), inquiry_post_data(group_size="4"))
    assert "large-group" not in client.get(response["Location"]).content.decode()
    send_outbox()
    assert all("Large group" not in m.body for m in mail.outbox)


def test_a_departure_with_fewer_seats_left_still_refuses_the_group(client):
    trek = make_walk(make_trek(group_size_max=12), 2)
    departure = make_departure(trek, seats=8, seats_held=6)
    response = client.post(
        _trek_url(trek), inquiry_post_data(departure=str(departure.pk), group_size="20")
    )
    assert response.status_code == 200
    assert "Only 2 seats are left on" in response.content.decode()
    assert not Inquiry.objects.exists()


def test_contact_form_with_a_chosen_trek_marks_a_large_group(client):
    trek = make_trek(group_size_max=10)
    client.post(reverse("inquiries:contact"), inquiry_post_data(trek=str(trek.pk), group_size="11"))
    assert Inquiry.objects.get().is_large_group


def test_admin_filter_lists_only_large_groups(staff_client):
    trek = make_trek(group_size_max=12)
    make_inquiry(trek=trek, group_size=20, name="Big School")
    make_inquiry(trek=trek, group_size=3, name="Small Family")
    make_inquiry(trek=None, group_size=40, name="No Trek Asked")
    url = reverse("admin:inquiries_inquiry_changelist") + "?large_group=yes"
    body = staff_client.get(url).content.decode()
    assert "Big School" in body
    assert "Small Family" not in body
    assert "No Trek Asked" not in body
