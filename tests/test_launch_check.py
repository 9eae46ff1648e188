"""`manage.py launch_check` (issue 26, item 6): lists what is not ready for launch and exits
non-zero while anything remains; staff see the same list in admin."""

import io
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from operator_site.launch import FIRST_ADMIN_FILE, password_digest
from operator_site.models import ToConfirm
from tests.factories import make_departure, make_image, make_page, make_trek, set_operator

pytestmark = pytest.mark.django_db

READY_DETAILS = {
    "email": "info@example.com",
    "address": "Calle Plateros 1, Cusco",
    "hours_en": "Mon-Sat 9:00-19:00",
    "hours_es": "L-S 9:00-19:00",
    "legal_name": "Salkantay Trek Machu E.I.R.L.",
    "ruc": "20123456786",
    "licence": "DIRCETUR-0001",
    "tripadvisor_url": "https://www.tripadvisor.com/Attraction_Review-g294314-d1.html",
}


def _check():
    out = io.StringIO()
    try:
        call_command("launch_check", stdout=out)
    except CommandError as error:
        return False, out.getvalue(), str(error)
    return True, out.getvalue(), ""


@pytest.fixture
def ready(settings, tmp_path, django_user_model):
    """A site with nothing left to do."""
    settings.DATA_DIR = tmp_path
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.HTTPS = True
    settings.ADMINS = [("Lucía", "lucia@example.com")]
    set_operator(**READY_DETAILS)
    trek = make_trek(name="Lares Trek", price_from=Decimal("590"))
    make_image(trek)
    make_departure(trek)
    make_page(title="Booking terms", slug="terms")
    # The traveller messages' default texts, approved by staff (trip_messages/0002 lists them).
    ToConfirm.objects.update(confirmed_at=timezone.now())
    return trek


def test_a_ready_site_passes(ready):
    ok, out, _error = _check()
    assert ok
    assert "Ready for launch" in out


def test_a_fresh_site_lists_everything_left_and_fails(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    settings.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
    settings.HTTPS = False
    settings.ADMINS = []
    make_trek(name="Lares Trek")
    ok, out, error = _check()
    assert not ok
    assert "Not ready for launch" in error
    for expected in (
        "The operator's details lack: e-mail, street address, opening hours (English), "
        "opening hours (Spanish), legal name, RUC, tourism licence, a review link",
        "E-mail is not sent but printed to the log (EMAIL_BACKEND is console)",
        "HTTPS is off (DJANGO_HTTPS)",
        "Nobody is told of server errors (DJANGO_ADMINS is empty)",
        "1 published trek without a photo: Lares Trek.",
        "1 published trek without a price: Lares Trek.",
        "1 published trek without an upcoming departure: Lares Trek.",
        "There is no booking terms page",
    ):
        assert expected in out, expected


def test_open_facts_to_confirm_are_listed(ready):
    ToConfirm.objects.create(
        content_type=ContentType.objects.get_for_model(ready),
        object_id=ready.pk,
        field="includes",
        claim="Entrance ticket",
    )
    ok, out, _error = _check()
    assert not ok
    assert "1 fact on the site is still to confirm." in out


def test_booking_terms_marked_to_confirm_are_listed(ready):
    from operator_site.models import ContentPage

    terms = ContentPage.objects.get(slug="terms")
    ToConfirm.objects.create(
        content_type=ContentType.objects.get_for_model(terms),
        object_id=terms.pk,
        field="body",
        claim="Cancellation 30 days",
    )
    ok, out, _error = _check()
    assert not ok
    assert "The booking terms are still marked to confirm." in out


def test_a_trek_whose_only_departure_is_past_is_listed(ready):
    import datetime

    from django.utils import timezone

    ready.departures.update(start_date=timezone.localdate() - datetime.timedelta(days=1))
    ok, out, _error = _check()
    assert not ok
    assert "without an upcoming departure: Lares Trek." in out


def test_the_first_admins_printed_password_is_listed_until_changed(ready, django_user_model):
    from operator_site.management.commands.prepare_site import Command

    Command(stdout=io.StringIO()).create_admin_once()
    admin = django_user_model.objects.get(username="admin")
    from django.conf import settings

    assert (settings.DATA_DIR / FIRST_ADMIN_FILE).read_text().strip() == password_digest(admin)
    ok, out, _error = _check()
    assert not ok
    assert "The password printed for “admin” at the first run was never changed." in out

    admin.set_password("a-new-long-password-2027")
    admin.save()
    ok, out, _error = _check()
    assert ok, out


def test_staff_see_the_same_list_in_admin(staff_client, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    settings.ADMINS = []
    response = staff_client.get(reverse("admin:launch_check"))
    assert response.status_code == 200
    assert "Nobody is told of server errors (DJANGO_ADMINS is empty)." in response.text
    assert reverse("admin:operator_site_operatordetails_changelist") in response.text
    index = staff_client.get(reverse("admin:index")).text
    assert reverse("admin:launch_check") in index


def test_the_admin_list_needs_a_staff_login(client):
    response = client.get(reverse("admin:launch_check"))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
