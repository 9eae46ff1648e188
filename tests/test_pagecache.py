"""The page cache (operator_site.pagecache): what gets stored holds nothing of one visitor, the
content version cannot be lost (database row, short-lived copy in the cache), and corrupt
entries are rebuilt."""

import re
import time

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from inquiries.tokens import read_form_token
from operator_site import pagecache
from tests.conftest import redis_cache_settings
from tests.factories import (
    make_destination,
    make_page,
    make_stage,
    make_style,
    make_trek,
    make_walk,
)
from tests.services import redis_url
from tests.subprocesses import run_python

pytestmark = pytest.mark.django_db

LARES = "/treks/lares-trek/"


def _catalogue():
    destination, style = make_destination(name="Sacred Valley"), make_style(name="Camping")
    lares = make_walk(make_trek(name="Lares Trek", slug="lares-trek", destination=destination), 4)
    lares.styles.add(style)
    lares.alternatives.add(make_walk(make_trek(name="Salkantay Trek", destination=destination), 5))
    make_page(title="Responsible Travel", slug="responsible-travel", is_published=True)
    return lares, destination, style


def _public_urls(client):
    """Every address in the sitemap, and the pages it leaves out: the contact form, filters."""
    sitemap = client.get(reverse("sitemap")).content.decode()
    urls = [re.sub(r"^http://testserver", "", url) for url in re.findall(r"<loc>([^<]+)", sitemap)]
    return [*urls, reverse("inquiries:contact"), "/treks/?sort=price", "/treks/?page=last"]


@pytest.fixture
def stored(monkeypatch):
    """Every page the cache stores from now on, as {key: html}."""
    pages = {}
    real_set = cache.set

    def spy(key, value, *args, **kwargs):
        if key.startswith("pagecache:page:"):
            pages[key] = value
        return real_set(key, value, *args, **kwargs)

    monkeypatch.setattr(cache, "set", spy)
    return pages


def test_what_is_stored_of_every_public_page_holds_nothing_of_a_visitor(stored):
    _catalogue()
    visitor = Client()
    urls = _public_urls(visitor)
    assert LARES in urls and reverse("home") in urls
    for url in urls:
        for _ in range(2):  # the second visit carries the CSRF cookie the first one set
            assert visitor.get(url).status_code == 200, url

    assert len(stored) == len(urls)  # every public page is shared...
    csrf_secret = visitor.cookies["csrftoken"].value
    csrf_marker = pagecache.marker("csrf_token")
    for body, _gzip in stored.values():  # ...and holds markers, never a visitor's value
        html = body.decode()
        assert csrf_secret not in html
        for token in re.findall(r'name="csrfmiddlewaretoken" value="([^"]*)"', html):
            assert token == csrf_marker
        for token in re.findall(r'name="form_token" value="([^"]*)"', html):
            assert token == pagecache.marker("form_token")
            assert read_form_token(token) is None
    with_form = [body for body, _gzip in stored.values() if b'name="form_token"' in body]
    # The two trek pages in English and in Spanish (the sitemap lists both), and /contact/.
    assert len(with_form) == 5


@pytest.mark.parametrize("url", [LARES, "/contact/", "/"])
def test_warm_pages_run_no_query(client, url, django_assert_num_queries):
    _catalogue()
    with CaptureQueriesContext(connection) as cold:
        assert client.get(url).status_code == 200
    assert len(cold) > 0
    with django_assert_num_queries(0):
        assert client.get(url).status_code == 200


def test_pages_with_the_form_are_keyed_on_cuscos_day(client, settings, monkeypatch):
    """The date field's min and max change at midnight in Cusco: so does the stored page."""
    import datetime

    from django.utils import timezone

    make_trek(slug="lares-trek")
    assert 'min="2031-05-01"' not in client.get(LARES).content.decode()
    monkeypatch.setattr(timezone, "localdate", lambda *args: datetime.date(2031, 5, 1))
    assert 'min="2031-05-01"' in client.get(LARES).content.decode()


def test_a_change_shows_on_the_next_request(client):
    trek = make_trek(name="Lares Trek", slug="lares-trek")
    assert "Lares Trek" in client.get(LARES).content.decode()

    trek.name = "Lares Weavers Trek"
    trek.save()

    assert "Lares Weavers Trek" in client.get(LARES).content.decode()


def test_every_admin_action_bumps_the_version(staff_client):
    """The delete action sends signals, publish/unpublish use update() which sends none: the
    shared admin mixin bumps the version after each."""
    from operator_site.models import ContentVersion

    trek = make_trek(is_published=False)
    before = ContentVersion.objects.get().n
    staff_client.post(
        reverse("admin:treks_trek_changelist"), {"action": "publish", "_selected_action": [trek.pk]}
    )
    assert ContentVersion.objects.get().n > before
    assert Client().get(trek.get_absolute_url()).status_code == 200


# --- The version cannot be lost ---------------------------------------------------------------

_WORKER = """
import sys, django
django.setup()
from django.core.management import call_command
from django.test import Client
from treks.models import Trek
command, *args = sys.argv[1:]
if command == "setup":
    call_command("migrate", verbosity=0)
    from tests.factories import make_trek
    make_trek(name="Lares Trek", slug="lares-trek")
elif command == "rename":
    trek = Trek.objects.get(slug="lares-trek")
    trek.name = args[0]
    trek.save()
elif command == "get":
    response = Client(headers={"host": "127.0.0.1"}).get("/treks/lares-trek/")
    print(response.status_code, "Lares Weavers" in response.content.decode())
"""


@pytest.mark.slow
def test_an_edit_by_one_worker_shows_on_a_worker_started_after_it(tmp_path):
    """Workers are processes, recycled at any time: nothing of a bump may live in one."""
    # DEBUG: static URLs without a collectstatic run; nothing else here depends on it.
    env = {"DJANGO_SECRET_KEY": "worker-test-secret", "DJANGO_DEBUG": "1"}

    def worker(*args):
        done = run_python("-c", _WORKER, *args, env_overrides=env, tmp_path=tmp_path)
        assert done.returncode == 0, done.stderr
        return done.stdout.strip()

    worker("setup")
    assert worker("get") == "200 False"  # stores the page and its version in the file cache
    worker("rename", "Lares Weavers Trek")  # an admin save in another worker
    assert worker("get") == "200 True"  # a new worker: no memory of anything


def test_an_edit_shows_in_this_process_with_every_per_process_thing_forgotten(client):
    trek = make_trek(name="Lares Trek", slug="lares-trek")
    client.get(LARES)
    trek.name = "Lares Weavers Trek"
    trek.save()
    pagecache.release.cache_clear()  # the only per-process memo: the code digest
    assert "Lares Weavers Trek" in client.get(LARES).content.decode()


@pytest.mark.redis
def test_a_bump_made_while_redis_is_unreachable_shows_once_its_copy_expires(
    client, settings, monkeypatch
):
    from django_redis import get_redis_connection

    monkeypatch.setattr(pagecache.version, "VERSION_TIMEOUT", 1)
    prefix = f"pagecache-test-{settings.CACHE_KEY_PREFIX or 'local'}"
    settings.CACHES = redis_cache_settings(redis_url(), prefix)
    trek = make_trek(name="Lares Trek", slug="lares-trek")
    try:
        assert "Lares Trek" in client.get(LARES).content.decode()

        settings.CACHES = redis_cache_settings("redis://127.0.0.1:8299/0", prefix)  # unreachable
        trek.name = "Lares Weavers Trek"
        trek.save()  # the bump reaches the database; the cache's copy is left as it was
        assert "Lares Weavers Trek" in client.get(LARES).content.decode()  # uncached

        settings.CACHES = redis_cache_settings(redis_url(), prefix)  # Redis is back
        time.sleep(1.2)  # the old copy's VERSION_TIMEOUT
        assert "Lares Weavers Trek" in client.get(LARES).content.decode()
    finally:
        connection = get_redis_connection("default")
        keys = list(connection.scan_iter(match=f"{prefix}:*"))
        if keys:
            connection.delete(*keys)


@pytest.mark.redis
def test_garbage_in_redis_for_the_version_is_deleted_and_rebuilt(client, settings):
    from django_redis import get_redis_connection

    prefix = f"pagecache-test-{settings.CACHE_KEY_PREFIX or 'local'}"
    settings.CACHES = redis_cache_settings(redis_url(), prefix)
    make_trek(name="Lares Trek", slug="lares-trek")
    connection = get_redis_connection("default")
    try:
        client.get(LARES)
        connection.set(cache.make_key(pagecache.VERSION_KEY), b"\x80\x04garbage")
        assert "Lares Trek" in client.get(LARES).content.decode()
        assert type(cache.get(pagecache.VERSION_KEY)) is int
    finally:
        keys = list(connection.scan_iter(match=f"{prefix}:*"))
        if keys:
            connection.delete(*keys)


# --- Corrupt entries ----------------------------------------------------------------------------


@pytest.fixture
def file_cache(settings, tmp_path):
    folder = tmp_path / "cache"
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": folder,
        }
    }
    return folder


def test_garbage_bytes_in_the_file_cache_are_deleted_and_rebuilt(
    client, file_cache, django_assert_num_queries
):
    make_walk(make_trek(name="Lares Trek", slug="lares-trek"), 3)
    client.get(LARES)
    files = list(file_cache.glob("*.djcache"))
    assert len(files) == 3  # the version's copy, the operator's details and the page
    for path in files:
        path.write_bytes(b"\x00garbage\xff" * 10)

    assert "Lares Trek" in client.get(LARES).content.decode()  # rebuilt
    with django_assert_num_queries(0):  # and stored again
        assert "Lares Trek" in client.get(LARES).content.decode()


def test_a_version_entry_of_the_wrong_kind_is_replaced(client, file_cache):
    make_trek(name="Lares Trek", slug="lares-trek")
    client.get(LARES)
    cache.set(pagecache.VERSION_KEY, "not a number")

    assert "Lares Trek" in client.get(LARES).content.decode()
    assert type(cache.get(pagecache.VERSION_KEY)) is int


def test_the_release_is_part_of_the_key(client, monkeypatch):
    make_stage(make_trek(name="Lares Trek", slug="lares-trek"))
    client.get(LARES)
    monkeypatch.setattr(pagecache, "release", lambda: "other code")  # a deploy
    with CaptureQueriesContext(connection) as queries:
        client.get(LARES)
    assert len(queries) > 0  # rendered afresh, not served from the older release's page


def test_the_release_follows_the_code_and_templates(settings, tmp_path):
    """A digest of the site's files: the same for the same files, another for a changed
    template (tests/load/test_deploy.py runs the README's deploy steps on a real gunicorn)."""
    digest = pagecache.version.release.__wrapped__  # uncached: reads the files again
    assert digest() == pagecache.release()  # the same code, the same value
    template = tmp_path / "page.html"
    template.write_text("<p>Before</p>")
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [*settings.TEMPLATES[0]["DIRS"], tmp_path]}
    ]
    before = digest()
    assert before != pagecache.release()  # one more template
    template.write_text("<p>After</p>")
    assert digest() != before
    template.write_text("<p>Before</p>")
    assert digest() == before


def test_a_new_secret_key_never_serves_a_page_stored_with_the_old_markers(client, settings):
    make_stage(make_trek(name="Lares Trek", slug="lares-trek"))
    old_marker = pagecache.marker("csrf_token")
    assert client.get(LARES).status_code == 200  # stored under the old key
    settings.SECRET_KEY = "another-secret-key-after-a-rotation-" + "x" * 20
    assert pagecache.marker("csrf_token") != old_marker
    with CaptureQueriesContext(connection) as queries:
        html = client.get(LARES).content.decode()
    assert len(queries) > 0  # rendered afresh
    assert "slot-" not in html
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    assert len(token) == 64  # a real CSRF token filled in, not a marker
