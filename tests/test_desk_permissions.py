"""Staff roles (issue 16, item 4): every admin URL, walked as each role, answers what the role
may do (the way pretix's src/tests/control/test_permissions.py walks its control panel).

The expectations are written out here, independently of operator_site/roles.py: a grant added
there by mistake fails this test."""

import datetime
import re

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.urls import URLPattern, reverse

from tests.conftest import verified_login
from tests.factories import (
    make_booking,
    make_departure,
    make_image,
    make_inquiry,
    make_page,
    make_post,
    make_review,
    make_stage,
    make_style,
    make_trek,
    queue_emails,
)

pytestmark = pytest.mark.django_db

CATALOGUE = [
    "treks.destination",
    "treks.travelstyle",
    "treks.place",
    "treks.trek",
    "treks.itinerarystage",
    "treks.trekimage",
    "treks.trekfaq",
]
EVERYTHING = "vacd"  # view, add, change, delete
EXPECTED = {
    "Sales": {
        "inquiries.inquiry": "vac",  # never delete: superusers only
        "desk.replytemplate": EVERYTHING,
        "treks.departure": EVERYTHING,
        "bookings.booking": "vac",  # never delete a booking: superusers only
        "bookings.traveller": "vac",
        "bookings.bookinglink": "vc",
        "bookings.travellerdataaccess": "",  # who saw travellers' details: superusers only
        "reviews.reviewrequest": EVERYTHING,
        "outbox.message": "vc",  # see the site's e-mails and retry them
        # The traveller messages: texts written, timing set, one booking's switched off.
        "trip_messages.messagetemplate": "vac",
        "trip_messages.timing": "vc",
        "trip_messages.tripmessage": "vc",
        "trip_messages.departurechange": "v",
        "payments.exchangerate": "vac",
        "payments.paymentrequest": "vac",  # withdrawn, never deleted
        "payments.checkout": "v",
        **dict.fromkeys(CATALOGUE, "v"),  # reads the catalogue, cannot edit it
    },
    "Content": {
        "operator_site.contentpage": EVERYTHING,
        "operator_site.toconfirm": EVERYTHING,
        "operator_site.operatordetails": "vc",  # one record: changed, never added or deleted
        "redirects.redirect": EVERYTHING,
        "operator_site.notfoundpath": "vd",  # visitors' 404s make the rows
        "blog.post": EVERYTHING,
        "reviews.review": EVERYTHING,
        "treks.departure": "v",
        **dict.fromkeys(CATALOGUE, EVERYTHING),
    },
    # Superusers may do everything, deleting requests included.
    "superuser": None,
}
# What nobody may do, superusers included: django-axes' logs are written by logins only.
# Nor add a booking, a traveller or a link in their own admin (a booking is made from a
# request: the "inquiry" URL; links by an action), nor add to or delete the record of who
# saw travellers' details.
NOBODY = {
    "axes.accessattempt": "a",
    "axes.accesslog": "a",
    "axes.accessfailurelog": "a",
    "bookings.booking": "a",
    "bookings.traveller": "a",
    "bookings.bookinglink": "a",
    "bookings.travellerdataaccess": "ad",
    "outbox.message": "a",  # the site queues its own e-mails
    # One record, made by the first migrate: a second one cannot be added, nor it deleted.
    "operator_site.operatordetails": "ad",
    "operator_site.notfoundpath": "a",
    # Planned by the site and kept as the record of what was sent: never added or deleted.
    "trip_messages.timing": "ad",
    "trip_messages.tripmessage": "ad",
    "trip_messages.departurechange": "acd",
    # What was asked of a provider is written by the site only, and kept.
    "payments.checkout": "ad",
}
# What each URL of a model's admin needs (by the end of its name).
NEEDS = {
    "changelist": "v",
    "add": "a",
    "change": "v",  # view-only staff get a read-only page
    "history": "v",
    "delete": "d",
    "numbers": "v",
    "reply": "c",
    "recurring": "a",  # a season of departures
    "inquiry": "c",  # a booking from a request (bookings.change_booking)
    # The printable departure sheet shows travellers' details: the dedicated permission
    # (bookings.view_traveller_documents), which no group has.
    "sheet": "p",
    # django-otp's device pages (the key as text and as a QR code).
    "config": "c",
    "qrcode": "c",
}


@pytest.fixture
def objects(django_user_model):
    """One row of every model admin shows, so that every object URL has an object."""
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog
    from django.contrib.contenttypes.models import ContentType
    from django.contrib.redirects.models import Redirect

    from bookings.models import BookingLink, TravellerDataAccess
    from desk.models import ReplyTemplate
    from operator_site.models import NotFoundPath, ToConfirm
    from payments.models import Checkout, ExchangeRate, PaymentRequest
    from reviews.models import ReviewRequest
    from treks.models import TrekFAQ
    from trip_messages.models import DepartureChange

    trek = make_trek()
    trek.styles.add(make_style())
    make_stage(trek)
    make_image(trek)
    TrekFAQ.objects.create(trek=trek, question="Q?", answer="A.")
    make_page()
    queue_emails(make_inquiry(trek=trek))  # and the outbox's two e-mails
    ReplyTemplate.objects.create(name="Dates", subject="s", body="b")
    make_post(treks=[trek])
    ToConfirm.objects.create(
        content_type=ContentType.objects.get_for_model(trek),
        object_id=trek.pk,
        field="group_size_max",
        claim="1-12",
    )
    make_review(trek)
    booking = make_booking(make_departure(trek))
    booking.traveller_rows.update(full_name="Ana Quispe")
    BookingLink.objects.create(booking=booking)
    TravellerDataAccess.objects.create(
        booking=booking,
        user=django_user_model.objects.create_user("guide"),
        action=TravellerDataAccess.Action.choices[0][0],
    )
    ReviewRequest.objects.create(inquiry=booking.inquiry, trip_ended_on=datetime.date(2026, 6, 1))
    DepartureChange.objects.create(
        departure=booking.departure,
        cancelled=True,
        old_start_date=booking.start_date,
        new_start_date=booking.start_date,
    )
    ExchangeRate.objects.create(rate="3.75")
    PaymentRequest.objects.create(booking=booking, amount=50, description="A horse")
    Checkout.objects.create(
        booking=booking,
        provider="paypal",
        amount=50,
        currency="USD",
        charged_amount=50,
        charged_currency="USD",
    )
    Redirect.objects.create(site_id=1, old_path="/old.html", new_path="/treks/")
    NotFoundPath.objects.create(path="/gone.html")
    AccessAttempt.objects.create(username="x", ip_address="10.0.0.1", failures_since_start=1)
    AccessLog.objects.create(username="x", ip_address="10.0.0.1")
    AccessFailureLog.objects.create(username="x", ip_address="10.0.0.1", locked_out=False)


def _as(role, client, django_user_model):
    if role == "superuser":
        user = django_user_model.objects.create_superuser("root", "root@example.com", "pw-12345678")
    else:
        user = django_user_model.objects.create_user(
            role.lower(), f"{role.lower()}@example.com", "pw-12345678", is_staff=True
        )
        user.groups.add(Group.objects.get(name=role))
    verified_login(client, user)  # enrols a second factor: devices to walk, too
    return user


def _model_urls():
    """(model label, URL name suffix, path) for every named URL of every model admin."""
    for model in sorted((m for m in _registered_models()), key=lambda m: m._meta.label_lower):
        model_admin = admin.site.get_model_admin(model)
        first = model._default_manager.order_by("pk").first()
        assert first is not None, f"the fixture makes no {model._meta.label}"
        for pattern in model_admin.get_urls():
            if not isinstance(pattern, URLPattern) or not pattern.name:
                continue
            suffix = pattern.name.rsplit("_", 1)[1]
            # An argument is the object's id (object_id, id), or the id of the row it names
            # through the object (a booking's inquiry_id, departure_id).
            kwargs = {
                name: first.pk if name in ("object_id", "id") else getattr(first, name)
                for name in re.findall(r"<(?:\w+:)?(\w+)>", str(pattern.pattern))
            }
            yield model._meta.label_lower, suffix, reverse(f"admin:{pattern.name}", kwargs=kwargs)


def _registered_models():
    from django.apps import apps

    return [m for m in apps.get_models() if admin.site.is_registered(m)]


@pytest.mark.parametrize("role", list(EXPECTED))
def test_every_admin_url_answers_what_the_role_may_do(role, client, django_user_model, objects):
    _as(role, client, django_user_model)
    grants = EXPECTED[role]
    wrong = []
    walked = 0
    for label, suffix, url in _model_urls():
        need = NEEDS[suffix]
        allowed = (grants is None or need in grants.get(label, "")) and need not in NOBODY.get(
            label, ""
        )
        expected = 200 if allowed else 403
        got = client.get(url).status_code
        walked += 1
        if got != expected:
            wrong.append(f"{url} ({label} {suffix}): {got}, expected {expected}")
    assert walked >= 17 * 5, walked  # every model admin's five pages at least
    assert wrong == []


@pytest.mark.parametrize("role", list(EXPECTED))
def test_the_admin_index_lists_only_what_the_role_may_see(role, client, django_user_model):
    _as(role, client, django_user_model)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 200
    shown = {model["admin_url"] for app in response.context["app_list"] for model in app["models"]}
    grants = EXPECTED[role]
    expected = {
        reverse(f"admin:{m._meta.app_label}_{m._meta.model_name}_changelist")
        for m in _registered_models()
        if grants is None or "v" in grants.get(m._meta.label_lower, "")
    }
    assert shown == expected


def test_content_staff_never_see_a_travellers_details(client, django_user_model, objects):
    _as("Content", client, django_user_model)
    inquiry = make_inquiry(name="Ana Quispe", email="ana@example.com")
    for url in (
        reverse("admin:inquiries_inquiry_changelist"),
        reverse("admin:inquiries_inquiry_change", args=[inquiry.pk]),
        reverse("admin:inquiries_inquiry_reply", args=[inquiry.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 403
        assert b"ana@example.com" not in response.content
    assert b"ana@example.com" not in client.get(reverse("admin:index")).content


def test_sales_cannot_change_a_trek(client, django_user_model, objects):
    from treks.models import Trek

    _as("Sales", client, django_user_model)
    trek = Trek.objects.get()
    url = reverse("admin:treks_trek_change", args=[trek.pk])
    response = client.post(url, {"name": "Renamed"})
    assert response.status_code == 403
    trek.refresh_from_db()
    assert trek.name != "Renamed"


def test_only_a_superuser_deletes_a_request(client, django_user_model):
    from inquiries.models import Inquiry

    inquiry = make_inquiry(received_at=datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC))
    _as("Sales", client, django_user_model)
    url = reverse("admin:inquiries_inquiry_delete", args=[inquiry.pk])
    assert client.post(url, {"post": "yes"}).status_code == 403
    changelist = reverse("admin:inquiries_inquiry_changelist")
    client.post(changelist, {"action": "delete_selected", "_selected_action": [inquiry.pk]})
    assert Inquiry.objects.filter(pk=inquiry.pk).exists()


def test_staff_roles_command_restores_the_groups_permissions(django_user_model):
    sales = Group.objects.get(name="Sales")
    sales.permissions.clear()
    call_command("staff_roles", stdout=__import__("io").StringIO())
    codenames = set(sales.permissions.values_list("codename", flat=True))
    assert {"view_inquiry", "change_inquiry", "view_trek"} <= codenames
    assert "delete_inquiry" not in codenames
    assert "change_trek" not in codenames


@pytest.mark.django_db(transaction=True)
def test_the_roles_are_back_after_a_test_that_empties_every_table():
    """A transactional test (the browser tests) ends with a flush: the groups a migration made
    must be there for the next test on the worker (tests/conftest.py)."""
    call_command("flush", interactive=False, verbosity=0)
    assert set(Group.objects.values_list("name", flat=True)) == {"Sales", "Content"}
    assert Group.objects.get(name="Sales").permissions.filter(codename="change_inquiry").exists()
