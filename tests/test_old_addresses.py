"""Old addresses keep their visitors (issue 26, item 3): 301s staff manage in admin, in both
languages, and the addresses visitors asked for that gave a 404, counted and bounded."""

import pytest
from django.contrib.auth.models import Group
from django.contrib.redirects.models import Redirect
from django.urls import reverse

from operator_site import notfound
from operator_site.models import NotFoundPath
from tests.conftest import verified_login
from tests.factories import make_trek

pytestmark = pytest.mark.django_db

ADD = reverse("admin:redirects_redirect_add")


@pytest.fixture
def content_client(client, django_user_model):
    user = django_user_model.objects.create_user(
        "rosa", "rosa@example.com", "a-long-test-pass", is_staff=True
    )
    user.groups.add(Group.objects.get(name="Content"))
    verified_login(client, user)
    return client


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("/lares-trek.html", "/treks/lares-trek/"),
        ("/es/lares-antiguo/", "/es/caminatas/caminata-lares/"),
        ("/index.php?page=lares", "/treks/lares-trek/"),
    ],
)
def test_content_staff_redirect_an_old_address_and_visitors_get_a_301(
    content_client, client, old, new
):
    make_trek(name="Lares Trek", slug="lares-trek")
    assert client.get(old).status_code == 404

    response = content_client.post(ADD, {"old_path": old, "new_path": new})

    assert response.status_code == 302
    visitor = type(client)()
    response = visitor.get(old)
    assert response.status_code == 301
    assert response["Location"] == new


def test_an_old_address_redirected_to_nothing_is_gone(content_client, client):
    content_client.post(ADD, {"old_path": "/closed-tour.html", "new_path": ""})
    assert client.get("/closed-tour.html").status_code == 410


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"old_path": "", "new_path": "/treks/"}, "This field is required."),
        ({"old_path": "lares.html", "new_path": "/treks/"}, "Start the old address with"),
        ({"old_path": "//evil.example/x", "new_path": "/treks/"}, "Start the old address with"),
        ({"old_path": "/a.html", "new_path": "javascript:alert(1)"}, "Enter a path of this site"),
        ({"old_path": "/a.html", "new_path": "http://example.com/"}, "Enter a path of this site"),
        ({"old_path": "/a.html", "new_path": "//evil.example/"}, "Enter a path of this site"),
        ({"old_path": "/a.html", "new_path": "/a.html"}, "An address cannot redirect to itself."),
        ({"old_path": "/taken.html", "new_path": "/treks/"}, "already has a redirect"),
        ({"old_path": "/" + "x" * 200, "new_path": "/treks/"}, "at most 200 characters"),
    ],
)
def test_a_bad_redirect_is_refused_with_a_message(content_client, data, message):
    Redirect.objects.create(site_id=1, old_path="/taken.html", new_path="/")
    response = content_client.post(ADD, data)
    assert response.status_code == 200
    assert message in response.text
    assert Redirect.objects.count() == 1


def test_a_404_is_counted_once_per_path(client):
    for _ in range(3):
        client.get("/old-page.html")
    client.get("/other.html?utm=1")
    rows = dict(NotFoundPath.objects.values_list("path", "hits"))
    assert rows == {"/old-page.html": 3, "/other.html": 1}


@pytest.mark.parametrize("path", ["/static/nope.css", "/media/nope.jpg", "/x" * 200])
def test_static_and_overlong_addresses_are_not_counted(client, path):
    assert client.get(path).status_code == 404
    assert not NotFoundPath.objects.exists()


@pytest.mark.parametrize("path", ["/admin/nope/", "/es/admin/nope/"])
def test_staff_pages_are_not_counted(content_client, path):
    assert content_client.get(path).status_code == 404
    assert not NotFoundPath.objects.exists()


def test_only_get_is_counted(client):
    client.post("/old-page.html")
    client.head("/old-page.html")
    assert not NotFoundPath.objects.exists()


def test_a_page_that_exists_or_a_redirected_path_is_not_counted(client):
    make_trek(name="Lares Trek", slug="lares-trek")
    Redirect.objects.create(site_id=1, old_path="/lares.html", new_path="/treks/lares-trek/")
    assert client.get("/lares.html").status_code == 301
    assert client.get("/treks/lares-trek/").status_code == 200
    assert client.get("/treks/lares-trek").status_code == 301  # the missing slash added
    assert not NotFoundPath.objects.exists()


def test_the_list_is_bounded_and_keeps_the_most_asked_for(client, monkeypatch):
    monkeypatch.setattr(notfound, "MAX_PATHS", 3)
    for _ in range(5):
        client.get("/popular.html")
    client.get("/once-old.html")
    client.get("/twice.html")
    client.get("/twice.html")
    for n in range(10):  # a stranger asking for made-up addresses
        client.get(f"/random-{n}.php")
    paths = set(NotFoundPath.objects.values_list("path", flat=True))
    assert len(paths) == 3
    assert {"/popular.html", "/twice.html", "/random-9.php"} == paths


def test_staff_see_the_list_and_make_a_redirect_from_it(content_client, client):
    for _ in range(2):
        client.get("/lares-trek.html")
    listing = content_client.get(reverse("admin:operator_site_notfoundpath_changelist")).text
    assert "/lares-trek.html" in listing
    link = f"{ADD}?old_path=%2Flares-trek.html"
    assert link in listing
    assert 'value="/lares-trek.html"' in content_client.get(link).text

    content_client.post(ADD, {"old_path": "/lares-trek.html", "new_path": "/treks/"})

    listing = content_client.get(reverse("admin:operator_site_notfoundpath_changelist")).text
    assert "redirected" in listing
    assert link not in listing
