"""gzip of pages: a browser gets back exactly the page, with this visitor's tokens, and the
compressed length varies (BREACH). Stored pages carry their gzip, or their pieces deflated once
(operator_site/pagecache/compression.py); Django's GZipMiddleware compresses the rest."""

import gzip
import re
import zlib

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


def _padding_length(body):
    """The length of the gzip header's file name (the random padding), with its NUL."""
    assert body[:4] == b"\x1f\x8b\x08\x08"  # gzip, deflate, a file name follows the header
    return body.index(b"\x00", 10) - 10 + 1


def test_a_pages_tokens_are_sent_uncompressed_so_they_never_change_its_compressed_length():
    """BREACH guesses a secret from the compressed length: a token stored as it is, between
    pieces compressed without it, changes the length by its own length only."""
    trek = make_walk(make_trek(name="Lares Trek"), 3)
    visitor = Client()
    visitor.get(trek.get_absolute_url())
    bodies = [
        visitor.get(trek.get_absolute_url(), headers={"accept-encoding": "gzip"}).content
        for _ in range(10)
    ]
    tokens = [
        re.findall(
            rb'name="(?:csrfmiddlewaretoken|form_token)" value="([^"]+)"', gzip.decompress(b)
        )
        for b in bodies
    ]
    assert all(len(found) == 2 for found in tokens)
    assert len({tuple(found) for found in tokens}) == 10  # each response its own tokens
    assert all(value in body for found, body in zip(tokens, bodies, strict=True) for value in found)
    rest = {
        len(b) - _padding_length(b) - sum(map(len, t)) for b, t in zip(bodies, tokens, strict=True)
    }
    assert len(rest) == 1


@pytest.mark.parametrize(
    "values",
    [
        {"a": b"", "b": b"x"},  # an empty value
        {"a": b"0" * 70_000, "b": b"\xc3\xb1and\xc3\xba"},  # more than one stored block; UTF-8
    ],
)
def test_the_pieces_and_the_values_make_the_page_whatever_the_values(values):
    from operator_site.pagecache import compression

    markers = {"a": "slot-a-1234", "b": "slot-b-5678"}
    html = b"slot-a-1234<p>" + "Ñ".encode() * 3000 + b"slot-b-5678 slot-a-1234</p>end"
    parts = compression.pieces(html, markers)
    body = compression.gzipped(html, parts, values)
    expected = html.replace(b"slot-a-1234", values["a"]).replace(b"slot-b-5678", values["b"])
    assert gzip.decompress(body) == expected  # checks the CRC-32 and the length too
    # A browser inflates as it reads: the same bytes from zlib's streaming decompressor.
    inflater = zlib.decompressobj(wbits=31)
    streamed = b"".join(inflater.decompress(body[i : i + 7]) for i in range(0, len(body), 7))
    assert streamed + inflater.flush() == expected
    assert inflater.eof and not inflater.unused_data
