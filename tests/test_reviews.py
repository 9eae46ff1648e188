"""Reviews staff received: shown with their average and count, JSON-LD only above the
threshold and only for their trek, escaped, bounded in admin."""

import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from reviews.models import Review
from tests.factories import make_review, make_trek, make_walk

pytestmark = pytest.mark.django_db


def _json_ld(html):
    return [json.loads(b) for b in re.findall(r"application/ld\+json\">(.*?)</script>", html, re.S)]


def _reviews_url(trek):
    return reverse("reviews:trek", kwargs={"slug": trek.slug})


def test_trek_page_shows_average_and_count_of_its_published_reviews_only(client):
    trek = make_trek()
    other = make_trek()
    make_review(trek, rating=5)
    make_review(trek, rating=4)
    make_review(trek, rating=4)
    make_review(trek, rating=1, is_published=False)
    make_review(other, rating=1)

    html = client.get(trek.get_absolute_url()).text

    assert "4.3 out of 5" in html
    assert "3 reviews" in html
    assert _reviews_url(trek) in html


def test_trek_without_reviews_shows_no_review_section_and_no_rating(client):
    trek = make_trek()
    html = client.get(trek.get_absolute_url()).text
    assert "What travellers say" not in html
    assert "aggregateRating" not in html
    assert "What travellers say" not in client.get(reverse("home")).text


@pytest.mark.parametrize(("count", "expected"), [(2, False), (3, True)])
def test_json_ld_rating_only_from_three_reviews_and_only_for_that_trek(client, count, expected):
    trek = make_trek()
    other = make_trek()
    for _ in range(count):
        make_review(trek, rating=4)
    make_review(other, rating=1)

    trip = next(
        d for d in _json_ld(client.get(trek.get_absolute_url()).text) if d["@type"] == "TouristTrip"
    )
    page = _json_ld(client.get(_reviews_url(trek)).text)
    products = [d for d in page if d.get("@type") == "Product"]

    assert ("aggregateRating" in trip) is expected
    assert bool(products) is expected
    if expected:
        assert trip["aggregateRating"]["reviewCount"] == 3
        assert trip["aggregateRating"]["ratingValue"] == "4.0"
        (product,) = products
        assert len(product["review"]) == 3
        assert {r["reviewRating"]["ratingValue"] for r in product["review"]} == {4}


def test_review_text_is_escaped_and_marked_with_its_language(client):
    trek = make_trek()
    make_review(
        trek, text="<script>alert(1)</script> ¡Excelente!", language="es", first_name="<b>Bo"
    )

    html = client.get(_reviews_url(trek)).text

    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;b&gt;Bo" in html
    assert '<blockquote class="mb-1" lang="es">' in html


def test_english_review_on_a_spanish_page_is_marked_english(client):
    trek = make_trek(slug="lares", slug_es="lares-es")
    make_review(trek, language="en")
    with translation.override("es"):
        url = _reviews_url(trek)
    html = client.get(url).text
    assert '<html lang="es">' in html
    assert 'lang="en">' in html


def test_home_shows_latest_reviews_with_average_and_count_of_all(client):
    trek = make_trek(name="Lares Trek")
    for rating in (5, 5, 4, 2):
        make_review(trek, rating=rating, text=f"Rated {rating}")

    html = client.get(reverse("home")).text

    assert "4.0 out of 5" in html
    assert "4 reviews" in html
    assert html.count('class="review ') == 3


def test_reviews_of_an_unpublished_trek_are_not_shown(client):
    trek = make_trek(is_published=False)
    make_review(trek)
    assert "What travellers say" not in client.get(reverse("home")).text
    assert client.get(_reviews_url(trek)).status_code == 404


def test_review_change_shows_at_once(client):
    trek = make_trek()
    review = make_review(trek, text="First words")
    url = _reviews_url(trek)
    assert "First words" in client.get(url).text
    review.text = "Second words"
    review.save()
    assert "Second words" in client.get(url).text


def test_pages_with_reviews_and_posts_stay_within_the_query_budget(client):
    from tests.factories import make_post

    trek = make_walk(make_trek(slug="lares-trek"), 3)
    trek.alternatives.add(make_walk(make_trek(), 3))
    make_post(treks=[trek])
    for n in range(4):
        make_review(trek, rating=5 - n % 2)
    for url in (reverse("home"), trek.get_absolute_url(), _reviews_url(trek)):
        with CaptureQueriesContext(connection) as cold:
            assert client.get(url).status_code == 200
        with CaptureQueriesContext(connection) as warm:
            assert client.get(url).status_code == 200
        # 9: the operator's details are read once per content version (operator_site.details).
        assert len(cold) <= 9, (url, len(cold))
        assert len(warm) == 0, url


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"rating": "0"}, "rating"),
        ({"rating": "6"}, "rating"),
        ({"rating": "five"}, "rating"),
        ({"first_name": ""}, "first_name"),
        ({"first_name": "x" * 41}, "first_name"),
        ({"country": "x" * 61}, "country"),
        ({"text": ""}, "text"),
        ({"text": "x" * 3001}, "text"),
        ({"source": ""}, "source"),
        ({"source_url": "not a link"}, "source_url"),
        ({"trip_date": "2026-13-01"}, "trip_date"),
        ({"language": "fr"}, "language"),
    ],
)
def test_bad_review_input_is_refused_with_a_message(staff_client, overrides, field):
    trek = make_trek()
    data = {
        "trek": trek.pk,
        "first_name": "Ana",
        "country": "Chile",
        "trip_date": "2026-06-10",
        "rating": "5",
        "text": "Great guides.",
        "language": "en",
        "source": "Tripadvisor",
        "source_url": "",
        **overrides,
    }
    response = staff_client.post(reverse("admin:reviews_review_add"), data)
    assert response.status_code == 200
    assert field in response.context["adminform"].form.errors
    assert not Review.objects.exists()
    if overrides[field] and len(overrides[field]) < 100:
        assert overrides[field] in response.text  # what staff typed comes back


def test_staff_add_a_review(staff_client):
    trek = make_trek()
    response = staff_client.post(
        reverse("admin:reviews_review_add"),
        {
            "trek": trek.pk,
            "first_name": "Ana",
            "country": "Chile",
            "trip_date": "2026-06-10",
            "rating": "5",
            "text": "Great guides.",
            "language": "es",
            "source": "Tripadvisor",
            "source_url": "https://www.tripadvisor.com/ShowUserReviews-1.html",
            "is_published": "on",
        },
    )
    assert response.status_code == 302
    assert Review.objects.get().language == "es"


def test_database_refuses_a_rating_out_of_range():
    from django.db import IntegrityError

    trek = make_trek()
    with pytest.raises(IntegrityError):
        make_review(trek, rating=6)


def test_no_reviews_in_the_demo_content():
    from django.core.management import call_command

    call_command("loaddata", "catalogue", "pages", "blog", verbosity=0)
    assert not Review.objects.exists()


def test_spanish_pages_count_reviews_and_guides_in_spanish(client):
    from tests.factories import make_post

    trek = make_trek(slug="lares", slug_es="lares-es")
    make_post(treks=[trek])
    make_post(treks=[trek])
    for rating in (5, 4, 4):
        make_review(trek, rating=rating)
    with translation.override("es"):
        trek_url, reviews_url = trek.get_absolute_url(), _reviews_url(trek)
    trek_page = client.get(trek_url).text
    assert "3 opiniones" in trek_page
    assert "4,3 de 5" in trek_page
    assert "2 guías sobre esta caminata" in trek_page
    assert "3 opiniones" in client.get(reviews_url).text


def test_sitemap_lists_the_reviews_page_of_a_reviewed_trek_only(client):
    reviewed = make_walk(make_trek(slug="lares-trek", slug_es="caminata-lares"), 3)
    unreviewed = make_walk(make_trek(slug="quiet-trek"), 3)
    make_review(reviewed)
    make_review(unreviewed, is_published=False)

    xml = client.get(reverse("sitemap")).text

    assert reverse("reviews:trek", kwargs={"slug": "lares-trek"}) in xml
    with translation.override("es"):
        assert reverse("reviews:trek", kwargs={"slug": "caminata-lares"}) in xml
    assert xml.count(reverse("reviews:trek", kwargs={"slug": "quiet-trek"})) == 0
