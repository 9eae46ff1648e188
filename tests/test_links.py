"""Every link a traveller can follow from the home page and the Lares page leads somewhere.

A test about the demo content: it loads the fixtures `make run` loads, so that the menu the
operator's seed page carries is checked against the real pages.
"""

import re
from urllib.parse import urldefrag, urlsplit

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db

SEED_MENU = [
    "Most popular trips",
    "Peru destinations",
    "Activities &amp; travel styles",
    "Responsible Travel",
    "Before You Go",
    "Travel Blog",
    "Contact us",
    "Why Salkantay Trek Machu?",
]


@pytest.fixture
def demo_content(settings):
    call_command("loaddata", "catalogue", "pages", "blog", verbosity=0)
    # As the site will be once the request form (another app) provides /contact/.
    settings.ROOT_URLCONF = "tests.urls_with_contact"


def internal_links(html):
    links = set()
    for href in re.findall(r'<a\b[^>]*\bhref="([^"]+)"', html):
        href = urldefrag(href.replace("&amp;", "&")).url
        parts = urlsplit(href)
        internal = parts.scheme in ("", "http", "https") and parts.netloc in ("", "testserver")
        if internal and href and not href.startswith("//"):
            links.add(parts.path + (f"?{parts.query}" if parts.query else ""))
    return links


def test_the_seed_menu_is_on_every_page_in_order(client, demo_content):
    html = client.get("/treks/lares-trek/").text
    nav = re.search(r'<nav class="site-nav".*?</nav>', html, re.S).group(0)
    labels = re.findall(r"<a [^>]*>([^<]+)</a>", nav)
    assert labels == SEED_MENU


@pytest.mark.parametrize("start", ["/", "/treks/lares-trek/"])
def test_every_internal_link_leads_to_a_real_page(client, demo_content, start):
    response = client.get(start)
    assert response.status_code == 200
    links = internal_links(response.text)
    assert len(links) > 12  # the menu, footer, cards or tags and breadcrumbs were all found
    broken = {}
    for link in sorted(links):
        status = client.get(link).status_code
        if status != 200:
            broken[link] = status
    assert broken == {}


def test_external_links_open_without_handing_over_the_page(client, demo_content):
    html = client.get("/").text
    for tag in re.findall(r'<a\b[^>]*href="https?://(?!testserver)[^"]*"[^>]*>', html):
        assert 'rel="noopener' in tag, tag
