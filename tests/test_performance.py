"""What keeps pages fast, asserted without timings: SQL query counts, cache invalidation on every
admin save, conditional GETs, and byte sizes of what a first visit downloads."""

import gzip
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import make_place, make_stage, make_trek, make_walk

pytestmark = pytest.mark.django_db


def _trek_with(stages, *, alternatives=2):
    trek = make_walk(make_trek(name="Lares", slug="lares-trek"), stages)
    for n in range(alternatives):
        trek.alternatives.add(make_walk(make_trek(name=f"Alternative {n}"), 3))
    return trek


# Query counts flat as the data grows, and none warm: tests/test_query_counts.py.


def test_place_altitude_edit_shows_on_the_trek_page_at_once(client):
    trek = make_trek()
    top = make_place(name="Ipsaycocha Pass", altitude_m=4450)
    make_stage(trek, end_place=top, ascent_m=500)
    url = trek.get_absolute_url()
    assert "4,450 m" in client.get(url).content.decode()

    top.altitude_m = 4466
    top.save()

    page = client.get(url).content.decode()
    assert "4,466 m" in page
    assert "4,450 m" not in page


def test_stage_edit_and_delete_show_on_the_trek_page_at_once(client):
    trek = make_trek()
    stage = make_stage(trek, title="Lares hot springs", distance_km=Decimal("12"))
    url = trek.get_absolute_url()
    client.get(url)

    stage.title = "Lares thermal baths"
    stage.save()
    assert "Lares thermal baths" in client.get(url).content.decode()

    stage.delete()
    assert "Lares thermal baths" not in client.get(url).content.decode()


def test_listing_shows_a_newly_published_trek_at_once(client):
    url = reverse("treks:list")
    make_trek(name="Ausangate")
    assert "Ausangate" in client.get(url).content.decode()

    make_trek(name="Choquequirao")
    assert "Choquequirao" in client.get(url).content.decode()


def test_unpublishing_a_trek_hides_its_cached_page_at_once(client):
    trek = make_trek()
    url = trek.get_absolute_url()
    assert client.get(url).status_code == 200

    trek.is_published = False
    trek.save()

    assert client.get(url).status_code == 404


def test_staff_preview_is_not_served_from_the_public_cache(staff_client):
    trek = make_trek(is_published=False)
    assert "not published" in staff_client.get(trek.get_absolute_url()).content.decode()
    assert Client().get(trek.get_absolute_url()).status_code == 404


def test_trek_page_answers_a_matching_etag_with_an_empty_304(client):
    trek = make_trek()
    client.get(trek.get_absolute_url())  # the first visit sets the CSRF cookie of the form
    first = client.get(trek.get_absolute_url())
    assert first.has_header("ETag")
    assert "no-cache" in first["Cache-Control"] and "private" in first["Cache-Control"]

    with CaptureQueriesContext(connection) as ctx:
        again = client.get(trek.get_absolute_url(), headers={"if-none-match": first["ETag"]})

    assert again.status_code == 304
    assert len(ctx.captured_queries) == 0
    assert again.content == b""


def test_trek_page_etag_changes_when_a_place_on_the_route_changes(client):
    trek = make_trek()
    place = make_place()
    make_stage(trek, end_place=place)
    etag = client.get(trek.get_absolute_url())["ETag"]

    place.altitude_m += 10
    place.save()

    fresh = client.get(trek.get_absolute_url(), headers={"if-none-match": etag})
    assert fresh.status_code == 200
    assert fresh["ETag"] != etag


def test_trek_page_etag_changes_with_the_visitors_csrf_cookie(client):
    # The aside holds the request form and its CSRF token: a visitor whose CSRF cookie changed
    # must get a fresh page, not a 304 pointing at a page with a token that no longer matches.
    trek = make_trek()
    etag = client.get(trek.get_absolute_url())["ETag"]
    client.cookies["csrftoken"] = "x" * 32

    fresh = client.get(trek.get_absolute_url(), headers={"if-none-match": etag})

    assert fresh.status_code == 200


def test_trek_page_html_stays_small(client):
    trek = _trek_with(30, alternatives=4)
    html = client.get(trek.get_absolute_url()).content

    assert len(gzip.compress(html)) <= 60_000


def test_pages_load_only_small_css_and_no_bootstrap_javascript(client):
    from django.contrib.staticfiles import finders

    trek = _trek_with(3)
    html = client.get(trek.get_absolute_url()).content.decode()

    assert "bootstrap.bundle" not in html
    stylesheets = re.findall(r'<link rel="stylesheet" href="/static/([^"]+)"', html)
    assert stylesheets
    total = sum(len(gzip.compress(Path(finders.find(path)).read_bytes())) for path in stylesheets)
    assert total <= 40_000, f"{total} bytes of gzipped CSS"


def test_charts_have_width_and_height_so_nothing_shifts(client):
    trek = _trek_with(3)
    html = client.get(trek.get_absolute_url()).content.decode()

    svgs = re.findall(r"<svg[^>]*>", html)
    # The profile and the sketch, each drawn for a phone and wider; the hero's landscape.
    assert len(svgs) == 5
    for tag in svgs:
        assert re.search(r'\swidth="\d+"', tag) and re.search(r'\sheight="\d+"', tag), tag
    for tag in re.findall(r"<img[^>]*>", html):
        assert "width=" in tag and "height=" in tag, tag


@pytest.fixture
def trek_page_with_form(settings, monkeypatch):
    """The trek page with a form in its aside, as the request form will put it there."""
    from treks.views import TrekDetailView

    engine = settings.TEMPLATES[0]
    test_templates = Path(__file__).parent / "templates"
    settings.TEMPLATES = [{**engine, "DIRS": [*engine["DIRS"], test_templates]}]
    monkeypatch.setattr(TrekDetailView, "template_name", "tests/trek_detail_with_form.html")


def _csrf_secret_of(html):
    from django.middleware.csrf import _unmask_cipher_token

    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    return _unmask_cipher_token(token)


def test_slots_are_filled_for_each_visitor_while_the_page_is_stored_once(trek_page_with_form):
    from inquiries.tokens import read_form_token

    trek = make_trek()
    ana, ben = Client(), Client()

    ana_page = ana.get(trek.get_absolute_url()).content.decode()
    with CaptureQueriesContext(connection) as ctx:
        ben_page = ben.get(trek.get_absolute_url()).content.decode()

    assert len(ctx.captured_queries) == 0  # Ben got the page Ana's visit stored
    # Both CSRF fields of each page carry a token that matches its own visitor's cookie.
    for page, visitor in ((ana_page, ana), (ben_page, ben)):
        tokens = re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        assert len(tokens) == 2
        assert {_unmasked(t) for t in tokens} == {visitor.cookies["csrftoken"].value}
    form_tokens = [
        re.search(r'name="form_token" value="([^"]+)"', page).group(1)
        for page in (ana_page, ben_page)
    ]
    assert form_tokens[0] != form_tokens[1]
    assert all(read_form_token(token) is not None for token in form_tokens)
    assert ben_page.count("Request information</h2>") == 1
    assert "slot-" not in ben_page


def _unmasked(token):
    from django.middleware.csrf import _unmask_cipher_token

    return _unmask_cipher_token(token)


def test_a_message_for_the_visitor_is_shown_and_not_cached(client):
    from django.contrib.messages import constants
    from django.contrib.messages.storage.cookie import CookieStorage

    trek = make_trek()
    client.get(trek.get_absolute_url())  # the shell is cached
    storage = CookieStorage(None)
    storage.add(constants.SUCCESS, "Thank you, we will answer within a day.")
    client.cookies["messages"] = storage._encode(list(storage._queued_messages))

    shown = client.get(trek.get_absolute_url()).content.decode()
    after = Client().get(trek.get_absolute_url()).content.decode()

    assert "Thank you, we will answer within a day." in shown
    assert "Thank you" not in after


def test_pages_still_work_when_the_cache_is_down(client):
    trek = make_walk(make_trek(name="Lares Trek"), 3)

    with override_settings(CACHES={"default": {"BACKEND": "tests.broken_cache.BrokenCache"}}):
        for url in (trek.get_absolute_url(), reverse("treks:list"), reverse("home")):
            response = client.get(url)
            assert response.status_code == 200, url
            assert "Lares Trek" in response.content.decode()


def test_adding_a_travel_style_to_a_trek_updates_the_style_page_at_once(client):
    from tests.factories import make_style

    style = make_style(name="Cultural")
    trek = make_trek(name="Weavers of Lares")
    url = reverse("treks:style", kwargs={"slug": style.slug})
    assert "Weavers of Lares" not in client.get(url).content.decode()

    trek.styles.add(style)

    assert "Weavers of Lares" in client.get(url).content.decode()


def test_renaming_an_alternative_updates_the_comparison_on_the_trek_page(client):
    trek = make_walk(make_trek(), 2)
    alternative = make_walk(make_trek(name="Classic Inca Trail"), 4)
    trek.alternatives.add(alternative)
    assert "Classic Inca Trail" in client.get(trek.get_absolute_url()).content.decode()

    alternative.name = "Inca Trail, four days"
    alternative.save()

    page = client.get(trek.get_absolute_url()).content.decode()
    assert "Inca Trail, four days" in page
    assert "Classic Inca Trail" not in page


def test_gzipped_trek_page_also_answers_304_to_its_weak_etag(client):
    trek = make_walk(make_trek(), 3)
    client.get(trek.get_absolute_url())  # the first visit sets the CSRF cookie of the form
    first = client.get(trek.get_absolute_url(), headers={"accept-encoding": "gzip"})
    assert first["Content-Encoding"] == "gzip"
    assert first["ETag"].startswith("W/")

    again = client.get(
        trek.get_absolute_url(),
        headers={"accept-encoding": "gzip", "if-none-match": first["ETag"]},
    )

    assert again.status_code == 304


def test_a_page_printing_something_per_visitor_outside_a_slot_is_never_shared(
    settings, monkeypatch, caplog
):
    # A template that prints a CSP nonce (or asks for a CSRF token some other way) must not be
    # stored for everyone: each visitor gets a page rendered for them, and the log says why.
    from treks.views import TrekDetailView

    engine = settings.TEMPLATES[0]
    test_templates = Path(__file__).parent / "templates"
    settings.TEMPLATES = [{**engine, "DIRS": [*engine["DIRS"], test_templates]}]
    monkeypatch.setattr(TrekDetailView, "template_name", "tests/trek_detail_per_visitor.html")
    trek = make_trek()
    ana, ben = Client(), Client()

    ana_page = ana.get(trek.get_absolute_url()).content.decode()
    ben_page = ben.get(trek.get_absolute_url()).content.decode()

    nonce = re.compile(r'<p class="nonce">([^<]+)</p>')
    assert nonce.search(ana_page).group(1) != nonce.search(ben_page).group(1)
    assert _csrf_secret_of(ana_page) == ana.cookies["csrftoken"].value
    assert _csrf_secret_of(ben_page) == ben.cookies["csrftoken"].value
    assert "per-visitor content outside its slots: not stored" in caplog.text


def test_unpublish_action_in_admin_hides_the_cached_pages_at_once(staff_client):
    client = Client()  # the public; staff_client is logged in
    trek = make_trek(name="Ausangate Circuit")
    assert client.get(trek.get_absolute_url()).status_code == 200
    assert "Ausangate Circuit" in client.get(reverse("treks:list")).content.decode()

    staff_client.post(
        reverse("admin:treks_trek_changelist"),
        {"action": "unpublish", "_selected_action": [trek.pk]},
    )

    assert client.get(trek.get_absolute_url()).status_code == 404
    assert "Ausangate Circuit" not in client.get(reverse("treks:list")).content.decode()


def test_unpublishing_a_content_page_in_admin_drops_it_from_cached_menus(staff_client):
    from operator_site.models import ContentPage

    client = Client()  # the public; staff_client is logged in
    page = ContentPage.objects.create(
        title="Responsible Travel",
        slug="responsible-travel",
        summary="How we run treks.",
        body="Fair loads for porters.",
        is_published=True,
        show_in_nav=True,
    )
    assert "Responsible Travel" in client.get(reverse("home")).content.decode()

    staff_client.post(
        reverse("admin:operator_site_contentpage_changelist"),
        {"action": "unpublish", "_selected_action": [page.pk]},
    )

    assert "Responsible Travel" not in client.get(reverse("home")).content.decode()


def test_made_up_query_strings_do_not_fill_the_cache(client, stored_page_keys):
    make_trek(name="Ausangate Circuit")
    client.get("/?utm_source=0")
    client.get("/treks/?utm_source=0")
    stored = stored_page_keys
    stored.clear()  # the plain pages are stored; what follows must add nothing

    for n in range(1, 6):
        assert client.get(f"/?utm_source={n}").status_code == 200
        page = client.get(f"/treks/?utm_source={n}&destination=nowhere-{n}")
        assert "Ausangate Circuit" in page.content.decode()
        assert client.get(f"/treks/?page={n}{'9' * 6}").status_code == 302  # to the last page

    assert stored == []  # values not understood are shown with a notice, never stored


def test_a_hundred_hosts_make_one_entry_per_page(client, stored_page_keys):
    """The key's host is SITE_URL's: `Host: 127.0.0.1:<port>` (all allowed) cannot grow it."""
    trek = make_trek(name="Ausangate Circuit")
    stored = stored_page_keys
    for port in range(8000, 8100):
        for url in ("/", trek.get_absolute_url()):
            response = client.get(url, headers={"host": f"127.0.0.1:{port}"})
            assert response.status_code == 200
            assert "127.0.0.1:" not in response.content.decode()  # links name SITE_URL's host
    assert len(stored) == len(set(stored)) == 2
