"""Sitemap, robots.txt, canonical and social tags, breadcrumbs."""

import json
import re

import pytest
from django.urls import reverse

from tests.factories import make_destination, make_page, make_style, make_trek, make_walk

pytestmark = pytest.mark.django_db


def test_sitemap_lists_everything_published_and_nothing_else(client):
    shown = make_walk(make_trek(slug="shown"), 2)
    make_trek(slug="hidden-trek", is_published=False)
    destination = make_destination(slug="valley")
    style = make_style(slug="camping")
    page = make_page(slug="before-you-go")
    make_page(slug="secret-page", is_published=False)
    xml = client.get(reverse("sitemap")).text
    for url in (
        shown.get_absolute_url(),
        destination.get_absolute_url(),
        style.get_absolute_url(),
        page.get_absolute_url(),
        reverse("treks:destinations"),
        reverse("treks:styles"),
    ):
        assert f"http://testserver{url}</loc>" in xml
    assert "hidden-trek" not in xml
    assert "secret-page" not in xml


def test_robots_txt_points_at_the_sitemap(client):
    response = client.get("/robots.txt")
    assert response["Content-Type"].startswith("text/plain")
    assert "Sitemap: http://testserver/sitemap.xml" in response.text


def test_every_page_has_canonical_open_graph_and_twitter_tags(client):
    trek = make_walk(make_trek(name="Lares Trek", summary="Weavers and passes."), 2)
    page = make_page(title="Before You Go")
    for url, title in (
        (trek.get_absolute_url(), "Lares Trek"),
        (page.get_absolute_url(), "Before You Go"),
        (reverse("treks:list") + "?sort=price", "Treks to Machu Picchu"),
    ):
        html = client.get(url).text
        path = url.split("?")[0]
        assert f'<link rel="canonical" href="http://testserver{path}">' in html
        assert f'<meta property="og:url" content="http://testserver{path}">' in html
        assert re.search(rf'<meta property="og:title" content="{title}', html)
        assert '<meta name="twitter:card" content="summary' in html
    assert 'content="Weavers and passes."' in client.get(trek.get_absolute_url()).text


def breadcrumb_ld(html):
    for block in re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S):
        data = json.loads(block)
        if data.get("@type") == "BreadcrumbList":
            return data
    return None


def test_trek_page_has_breadcrumbs_and_breadcrumb_list(client):
    trek = make_walk(make_trek(name="Lares Trek", slug="lares-trek"), 2)
    html = client.get(trek.get_absolute_url()).text
    assert 'aria-current="page">Lares Trek</li>' in html
    data = breadcrumb_ld(html)
    assert [item["name"] for item in data["itemListElement"]] == ["Home", "Treks", "Lares Trek"]
    assert data["itemListElement"][-1]["item"] == "http://testserver/treks/lares-trek/"
    assert [item["position"] for item in data["itemListElement"]] == [1, 2, 3]


def test_breadcrumb_json_cannot_be_broken_out_of(client):
    page = make_page(title="</script><script>alert(1)</script>")
    html = client.get(page.get_absolute_url()).text
    assert "<script>alert(1)" not in html
    assert breadcrumb_ld(html)["itemListElement"][-1]["name"].startswith("</script>")


def test_filtered_catalogue_is_not_indexed(client):
    assert 'content="noindex, follow"' in client.get(reverse("treks:list") + "?sort=price").text
    assert "noindex" not in client.get(reverse("treks:list")).text
