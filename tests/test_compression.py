"""gzip of pages (Django's GZipMiddleware): a browser gets back exactly the page, with this
visitor's tokens, and the compressed length varies (BREACH)."""

import gzip
import re

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import make_trek, make_walk

pytestmark = pytest.mark.django_db


def _without_tokens(html):
    return re.sub(r'(name="(?:csrfmiddlewaretoken|form_token)" value=)"[^"]+"', r"\1", html)


def test_a_stored_trek_page_gzipped_is_the_page_with_this_visitors_tokens():
    trek = make_walk(make_trek(name="Lares Trek"), 3)
    url = trek.get_absolute_url()
    visitor = Client()
    plain = visitor.get(url).content.decode()  # stores the page; the CSRF cookie set

    response = visitor.get(url, headers={"accept-encoding": "gzip"})

    assert response["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response["Vary"]
    page = gzip.decompress(response.content).decode()
    assert _without_tokens(page) == _without_tokens(plain)
    assert page.count('name="csrfmiddlewaretoken"') == 1
    assert "slot-" not in page
    assert len(response.content) < len(page) / 3


@pytest.mark.parametrize("url_name", ["home", "treks:list"])
def test_stored_listings_are_served_gzipped(url_name):
    make_walk(make_trek(name="Lares Trek"), 3)
    visitor = Client()
    plain = visitor.get(reverse(url_name)).content  # stores the page

    response = visitor.get(reverse(url_name), headers={"accept-encoding": "gzip"})

    assert response["Content-Encoding"] == "gzip"
    assert gzip.decompress(response.content) == plain
    assert b"Lares Trek" in plain


def test_pages_with_tokens_get_a_gzip_padding_of_random_length():
    trek = make_walk(make_trek(name="Lares Trek"), 3)
    visitor = Client()
    visitor.get(trek.get_absolute_url())
    bodies = [
        visitor.get(trek.get_absolute_url(), headers={"accept-encoding": "gzip"}).content
        for _ in range(20)
    ]
    assert all(b"Lares Trek" in gzip.decompress(body) for body in bodies)
    assert len({len(body) for body in bodies}) > 1  # BREACH: the length varies


def test_a_page_with_no_token_is_sent_as_the_same_stored_gzip_to_everyone():
    make_walk(make_trek(name="Lares Trek"), 3)
    bodies = {
        Client().get(reverse("home"), headers={"accept-encoding": "gzip"}).content for _ in range(3)
    }
    assert len(bodies) == 1
    assert b"Lares Trek" in gzip.decompress(bodies.pop())


def test_other_responses_are_gzipped_by_djangos_middleware(client):
    response = client.get("/no-such-page/", headers={"accept-encoding": "gzip"})
    assert response.status_code == 404
    assert response["Content-Encoding"] == "gzip"
    assert b"</html>" in gzip.decompress(response.content)
