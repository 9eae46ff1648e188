"""`make run`'s setup step: fixtures only into an empty database, the admin account once."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from operator_site.models import ContentPage
from tests.factories import make_page, make_trek
from treks.models import Trek

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _static_root(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path / "static"


def _prepare(capsys):
    call_command("prepare_site")
    return capsys.readouterr().out


def test_first_run_loads_the_catalogue_and_creates_admin(capsys):
    out = _prepare(capsys)
    assert Trek.objects.published().filter(slug="lares-trek").exists()
    admin = get_user_model().objects.get(username="admin")
    assert admin.is_staff and admin.is_superuser
    password = out.split("password: ")[1].split()[0]
    assert len(password) >= 16
    assert admin.check_password(password)


def test_the_newcomer_can_log_in_with_the_printed_password_and_code(capsys, client):
    out = _prepare(capsys)
    password = out.split("password: ")[1].split()[0]
    code = out.split("code: ")[1].split()[0]
    assert "otpauth://totp/" in out  # for the authenticator app, with the recovery codes
    response = client.post(
        "/admin/login/",
        {"username": "admin", "password": password, "otp_token": code, "next": "/admin/"},
    )
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200


def test_each_install_gets_a_different_admin_password(capsys):
    first = _prepare(capsys).split("password: ")[1].split()[0]
    get_user_model().objects.all().delete()
    second = _prepare(capsys).split("password: ")[1].split()[0]
    assert first != second


def test_second_run_keeps_staff_edits_and_password(capsys):
    _prepare(capsys)
    lares = Trek.objects.get(slug="lares-trek")
    lares.summary = "Edited by staff."
    lares.save()
    admin = get_user_model().objects.get(username="admin")
    admin.set_password("changed-by-staff-123")
    admin.save()

    out = _prepare(capsys)

    assert Trek.objects.get(slug="lares-trek").summary == "Edited by staff."
    assert "password:" not in out
    assert get_user_model().objects.get(username="admin").check_password("changed-by-staff-123")


def test_fixtures_are_not_loaded_over_existing_content(capsys):
    make_trek(slug="own-trek")
    out = _prepare(capsys)
    assert "fixtures not loaded" in out
    assert list(Trek.objects.values_list("slug", flat=True)) == ["own-trek"]


def test_deleted_demo_trek_stays_deleted(capsys):
    _prepare(capsys)
    Trek.objects.filter(slug="salkantay-trek").delete()
    _prepare(capsys)
    assert not Trek.objects.filter(slug="salkantay-trek").exists()


def test_first_run_loads_the_content_pages(capsys):
    _prepare(capsys)
    slugs = set(ContentPage.objects.published().values_list("slug", flat=True))
    assert {"responsible-travel", "before-you-go", "why-travel-with-us"} <= slugs


def test_pages_are_never_loaded_over_staff_pages(capsys):
    make_page(slug="our-own", title="Our own")
    _prepare(capsys)
    assert list(ContentPage.objects.values_list("slug", flat=True)) == ["our-own"]
    assert Trek.objects.filter(slug="lares-trek").exists()  # each fixture is judged alone


def test_demo_pages_cover_what_travellers_ask_about():
    call_command("loaddata", "pages", verbosity=0)
    responsible = ContentPage.objects.get(slug="responsible-travel").body
    before = ContentPage.objects.get(slug="before-you-go").body
    for words in ("20 kg", "wages", "Leave no trace", "Lares weavers"):
        assert words in responsible
    for words in ("acclimatisation", "What to pack", "Seasons", "Documents"):
        assert words.lower() in before.lower()


def test_first_run_loads_the_demo_posts_with_the_catalogue(capsys):
    from blog.models import Post

    _prepare(capsys)
    assert Post.objects.published().count() == 2
    assert set(Post.objects.get(pk=1).treks.values_list("slug", flat=True)) == {
        "lares-trek",
        "classic-inca-trail",
    }


def test_demo_posts_are_not_loaded_over_staff_treks(capsys):
    from blog.models import Post

    make_trek(slug="own-trek")
    _prepare(capsys)
    assert not Post.objects.exists()
