"""The travel blog: list, post, feed, sitemap, drafts and scheduled posts, JSON-LD, Markdown."""

import datetime
import json
import re

import feedparser
import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from tests.factories import make_post, make_trek

pytestmark = pytest.mark.django_db


def _json_ld(html, kind):
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return [d for d in map(json.loads, blocks) if d.get("@type") == kind]


def test_published_post_is_listed_and_shown_with_its_treks(client):
    trek = make_trek(name="Lares Trek")
    post = make_post(title="Lares or the Inca Trail", treks=[trek])

    listing = client.get(reverse("blog:list"))
    page = client.get(post.get_absolute_url())

    assert listing.status_code == 200
    assert "Lares or the Inca Trail" in listing.text
    assert page.status_code == 200
    assert f'href="{trek.get_absolute_url()}"' in page.text
    assert "Ana Quispe" in page.text


def test_trek_page_links_to_its_published_posts_only(client):
    trek = make_trek()
    make_post(treks=[trek])
    make_post(treks=[trek], is_published=False)
    make_post(treks=[trek], published_on=timezone.localdate() + datetime.timedelta(days=3))

    page = client.get(trek.get_absolute_url()).text

    assert "1 guide about this trek" in page
    listing = client.get(reverse("blog:list"), {"trek": trek.slug}).text
    assert listing.count('class="post-summary') == 1


def test_trek_without_posts_shows_no_blog_box(client):
    trek = make_trek()
    make_post()  # about no trek
    assert "From our Travel Blog" not in client.get(trek.get_absolute_url()).text


@pytest.mark.parametrize(
    "overrides",
    [{"is_published": False}, {"published_on": datetime.date.today() + datetime.timedelta(7)}],
    ids=["draft", "scheduled"],
)
def test_draft_and_scheduled_posts_are_not_public_but_staff_preview_them(staff_client, overrides):
    post = make_post(title="Not yet", **overrides)
    client = Client()  # staff_client is the logged-in `client`

    assert client.get(post.get_absolute_url()).status_code == 404
    assert "Not yet" not in client.get(reverse("blog:list")).text
    assert "Not yet" not in client.get(reverse("blog:feed")).text
    assert post.get_absolute_url() not in client.get(reverse("sitemap")).text
    preview = staff_client.get(post.get_absolute_url())
    assert preview.status_code == 200
    assert "Preview:" in preview.text
    assert '<meta name="robots" content="noindex">' in preview.text


def test_scheduled_post_appears_on_its_day_without_a_save(client, monkeypatch):
    today = timezone.localdate()
    post = make_post(title="The next guide", published_on=today + datetime.timedelta(days=1))
    assert client.get(post.get_absolute_url()).status_code == 404

    monkeypatch.setattr(timezone, "localdate", lambda *a: today + datetime.timedelta(days=1))

    assert client.get(post.get_absolute_url()).status_code == 200
    assert "The next guide" in client.get(reverse("blog:list")).text


def test_feed_parses_as_atom_with_the_published_posts(client):
    make_post(title="First guide", published_on=datetime.date(2026, 1, 5))
    make_post(title="Second guide", published_on=datetime.date(2026, 2, 5))

    response = client.get(reverse("blog:feed"))
    feed = feedparser.parse(response.content)

    assert response.status_code == 200
    assert feed.bozo == 0, feed.bozo_exception
    assert feed.version == "atom10"
    assert [e.title for e in feed.entries] == ["Second guide", "First guide"]
    assert "/blog/" in feed.entries[0].link


def test_every_page_links_the_feed_in_its_head(client):
    html = client.get(reverse("home")).text
    head = html.split("</head>")[0]
    assert 'type="application/atom+xml"' in head
    assert reverse("blog:feed") in head


def test_sitemap_lists_published_posts_in_both_languages(client):
    post = make_post(slug="acclimatising", slug_es="aclimatarse")
    xml = client.get(reverse("sitemap")).text
    assert "/blog/acclimatising/" in xml
    assert "/es/blog/aclimatarse/" in xml
    assert post.get_absolute_url() in xml


def test_post_carries_blog_posting_json_ld(client):
    post = make_post(title="A </script> guide", author="Ana Quispe")
    html = client.get(post.get_absolute_url()).text

    (data,) = _json_ld(html, "BlogPosting")

    assert data["headline"] == "A </script> guide"
    assert data["author"]["name"] == "Ana Quispe"
    assert data["datePublished"] == post.published_on.isoformat()
    assert "A </script> guide" not in html.split("<body")[0]  # escaped inside the script


def test_markdown_is_rendered_and_html_is_removed(client):
    post = make_post(
        body="## Day one\n\nWalk **slowly**.\n\n<script>alert(1)</script>\n\n"
        '[bad](javascript:alert(1)) <a href="https://example.org" onclick="x()">ok</a>'
    )
    html = client.get(post.get_absolute_url()).text

    assert "<h2>Day one</h2>" in html
    assert "<strong>slowly</strong>" in html
    assert "<script>alert(1)" not in html
    assert "javascript:" not in html
    assert "onclick" not in html


def test_english_post_on_a_spanish_page_is_marked_english(client):
    post = make_post(title="Only in English", summary="English summary", body="English text.")
    with translation.override("es"):
        url = post.get_absolute_url()
    html = client.get(url).text

    assert '<html lang="es">' in html
    assert '<h1 lang="en">Only in English</h1>' in html
    assert '<div class="content-body" lang="en">' in html


def test_spanish_post_shows_its_spanish_text_under_its_spanish_address(client):
    post = make_post(title="Acclimatising", title_es="Aclimatarse", slug="acc", slug_es="acl")
    with translation.override("es"):
        url = post.get_absolute_url()
    assert url == "/es/blog/acl/"
    assert "<h1>Aclimatarse</h1>" in client.get(url).text


def test_blog_list_paginates_and_refuses_to_cache_made_up_pages(client):
    for n in range(12):
        make_post(title=f"Guide {n}")
    first = client.get(reverse("blog:list")).text
    second = client.get(reverse("blog:list"), {"page": "2"}).text
    assert first.count('class="post-summary') == 10
    assert second.count('class="post-summary') == 2
    past_the_end = client.get(reverse("blog:list"), {"page": "9999"})
    assert (past_the_end.status_code, past_the_end.url) == (302, "/blog/?page=2")
    garbage = client.get(reverse("blog:list"), {"page": "x' or 1"})
    assert (garbage.status_code, garbage.url) == (302, "/blog/")


def test_blog_pages_run_queries_cold_and_none_warm(client):
    trek = make_trek()
    post = make_post(treks=[trek])
    for url in (reverse("blog:list"), post.get_absolute_url(), trek.get_absolute_url()):
        with CaptureQueriesContext(connection) as cold:
            assert client.get(url).status_code == 200
        with CaptureQueriesContext(connection) as warm:
            assert client.get(url).status_code == 200
        assert len(cold) > 0, url  # flat as posts grow: tests/test_query_counts.py
        assert len(warm) == 0, url


def test_post_edit_shows_at_once(client):
    post = make_post(title="Old title")
    client.get(post.get_absolute_url())
    post.title = "New title"
    post.save()
    assert "New title" in client.get(post.get_absolute_url()).text


def test_demo_posts_load_and_are_about_real_treks(client):
    call_command("loaddata", "catalogue", "blog", verbosity=0)
    listing = client.get(reverse("blog:list")).text
    assert "Lares trek or Inca Trail?" in listing
    assert "Acclimatising in Cusco" in listing
    lares = client.get("/treks/lares-trek/").text
    assert "2 guides about this trek" in lares
