"""gzip of pages, and of trek pages joined from parts compressed ahead: whatever the pieces, a
browser must get back exactly the page, and the per-visitor part must be compressed anew."""

import gzip
import re

import pytest
from django.test import Client
from operator_site.compression import CompressedAround, gzip_compress

from tests.factories import make_trek, make_walk

HOLE = "<!-- hole -->"
PAGE = "<html><body>" + "Lares · Huacahuasi 3,800 m · " * 400 + HOLE + "</body></html>" * 50


@pytest.mark.parametrize(
    "filling",
    ["", "x", "<form>ñandú → 4,450 m</form>", "token " * 5000],
    ids=["empty", "one byte", "unicode", "larger than the page"],
)
def test_a_page_joined_from_parts_compressed_ahead_decompresses_to_the_page(filling):
    around = CompressedAround.of(PAGE, HOLE)
    content = PAGE.replace(HOLE, filling).encode()

    compressed = around.gzip(content, max_random_bytes=100)

    assert gzip.decompress(compressed) == content  # checks the CRC and the length too
    assert around.head_deflated in compressed and around.tail_deflated in compressed
    assert len(compressed) < len(content) / 3


def test_a_page_changed_after_the_view_is_not_joined_from_stale_parts():
    around = CompressedAround.of(PAGE, HOLE)
    changed = PAGE.replace(HOLE, "form").replace("Lares", "Salkantay", 1).encode()
    assert around.gzip(changed, max_random_bytes=100) is None
    assert around.gzip(b"short", max_random_bytes=100) is None


def test_plain_gzip_round_trips_with_a_padding_of_random_length():
    content = PAGE.encode()
    bodies = [gzip_compress(content, max_random_bytes=100) for _ in range(20)]
    assert all(gzip.decompress(body) == content for body in bodies)
    assert len({len(body) for body in bodies}) > 1  # BREACH: the length varies


@pytest.fixture
def joined(monkeypatch):
    """Every gzip body the middleware joined from parts compressed ahead, in order."""
    bodies = []
    real_gzip = CompressedAround.gzip

    def spy(self, content, max_random_bytes):
        bodies.append(real_gzip(self, content, max_random_bytes))
        return bodies[-1]

    monkeypatch.setattr(CompressedAround, "gzip", spy)
    return bodies


@pytest.mark.django_db
def test_a_cached_trek_page_gzipped_is_the_page_with_this_visitors_form(joined):
    trek = make_walk(make_trek(name="Lares Trek"), 3)
    url = trek.get_absolute_url()
    visitor = Client()
    plain = visitor.get(url).content.decode()  # the shell is cached; the CSRF cookie set

    response = visitor.get(url, headers={"accept-encoding": "gzip"})

    assert response["Content-Encoding"] == "gzip"
    assert joined == [response.content]  # joined from the shell's parts, not compressed whole
    page = gzip.decompress(response.content).decode()

    def without_tokens(html):
        return re.sub(r'(name="(?:csrfmiddlewaretoken|form_token)" value=)"[^"]+"', r"\1", html)

    assert without_tokens(page) == without_tokens(plain)
    assert page.count('name="csrfmiddlewaretoken"') == 1
    assert "<!-- trek_aside -->" not in page


def test_a_page_with_no_hole_compressed_ahead_decompresses_to_the_page():
    page = CompressedAround.whole(PAGE)
    content = page.fill("")
    assert content == PAGE.encode()
    compressed = page.gzip(content, max_random_bytes=100)
    assert gzip.decompress(compressed) == content
    # Whatever follows the stored page is compressed per response; a changed page, not at all.
    longer = content + b"<!-- added after the view -->"
    assert gzip.decompress(page.gzip(longer, max_random_bytes=100)) == longer
    assert page.gzip(content.replace(b"Lares", b"Ausangate", 1), max_random_bytes=100) is None


@pytest.mark.django_db
@pytest.mark.parametrize("url_name", ["home", "treks:list"])
def test_listings_cached_whole_are_served_gzipped_from_their_stored_gzip(joined, url_name):
    from django.urls import reverse

    make_walk(make_trek(name="Lares Trek"), 3)
    visitor = Client()
    plain = visitor.get(reverse(url_name)).content  # stores the page

    response = visitor.get(reverse(url_name), headers={"accept-encoding": "gzip"})

    assert response["Content-Encoding"] == "gzip"
    assert joined == [response.content]
    assert gzip.decompress(response.content) == plain
    assert b"Lares Trek" in plain
