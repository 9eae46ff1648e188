"""Query counts stay flat as the data grows: the same number of queries for a cold page with a
few rows or with many (no N+1), and none for a warm one. There is no fixed cap: a page is
rendered once per content version, so what matters is that it does not grow with the data."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from blog.models import Post
from reviews.models import Review
from tests.factories import make_destination, make_image, make_style, make_trek, make_walk
from tests.services import empty_cache
from treks.models import Departure

pytestmark = pytest.mark.django_db


def _cold_and_warm(client, url):
    empty_cache()
    counts = []
    for _ in range(2):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        counts.append(len(queries))
    return counts


def _lares(*, departures=3, reviews=0, posts=1, stages=3):
    trek = make_walk(make_trek(name="Lares", slug="lares-trek"), stages)
    trek.alternatives.add(make_walk(make_trek(), 2), make_walk(make_trek(), 4))
    today = timezone.localdate()
    Departure.objects.bulk_create(
        Departure(
            trek=trek,
            start_date=today + datetime.timedelta(days=n + 1),
            seats=8,
            price_per_person=500,
        )
        for n in range(departures)
    )
    Review.objects.bulk_create(
        Review(
            trek=trek,
            first_name=f"Ana {n}",
            trip_date=datetime.date(2026, 1, 1) + datetime.timedelta(days=n),
            rating=5,
            text="Great guides.",
            source="Tripadvisor",
            is_published=True,
        )
        for n in range(reviews)
    )
    made = Post.objects.bulk_create(
        Post(
            title=f"Post {n}",
            slug=f"post-{n}",
            slug_en=f"post-{n}",
            slug_es=f"articulo-{n}",
            summary="A summary.",
            body="A body.",
            author="Ana Quispe",
            is_published=True,
            published_on=today - datetime.timedelta(days=n),
        )
        for n in range(posts)
    )
    trek.posts.add(*made)
    return trek


def _assert_flat(client, small, large):
    small_cold, small_warm = small
    large_cold, large_warm = large
    assert small_cold == large_cold, f"cold: {small_cold} queries, then {large_cold}"
    assert small_warm == large_warm == 0


@pytest.mark.parametrize(
    "small, large",
    [
        ({"departures": 3}, {"departures": 300}),
        ({"reviews": 0}, {"reviews": 50}),
        ({"posts": 1}, {"posts": 20}),
        ({"stages": 3}, {"stages": 30}),
    ],
    ids=["departures", "reviews", "posts", "stages"],
)
def test_cold_lares_page_runs_as_many_queries_with_many_rows_as_with_few(client, small, large):
    small_counts = _cold_and_warm(client, _lares(**small).get_absolute_url())
    Departure.objects.all().delete()
    Review.objects.all().delete()
    Post.objects.all().delete()
    from treks.models import Trek

    Trek.objects.all().delete()
    large_counts = _cold_and_warm(client, _lares(**large).get_absolute_url())
    _assert_flat(client, small_counts, large_counts)


def test_lares_page_lists_its_newest_posts_and_reviews_with_links_to_all(client):
    trek = _lares(reviews=5, posts=4)
    html = client.get(trek.get_absolute_url()).content.decode()
    # The three newest posts (published today, yesterday, ...), not the oldest.
    assert "/blog/post-0/" in html and "/blog/post-2/" in html
    assert "/blog/post-3/" not in html
    assert "4 guides about this trek" in html
    assert html.count('class="review ') == 3
    assert "Ana 4" in html and "Ana 1" not in html  # newest trips first
    assert "Read all 5 reviews" in html


def _catalogue(treks):
    destination, style = make_destination(), make_style()
    for n in range(treks):
        trek = make_walk(make_trek(name=f"Trek {n}", destination=destination), 3)
        trek.styles.add(style)
        if n % 2:
            make_image(trek)


@pytest.mark.parametrize("url_name", ["treks:list", "home"])
def test_catalogue_and_home_run_as_many_queries_with_many_treks_as_with_few(client, url_name):
    url = reverse(url_name)
    _catalogue(3)
    small = _cold_and_warm(client, url)
    _catalogue(30)
    large = _cold_and_warm(client, url)
    _assert_flat(client, small, large)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="runs in make test-postgres")
def test_no_query_of_a_cold_trek_page_is_compiled_by_postgresql(client):
    """PostgreSQL's JIT compiles a query whose estimated cost is high, and the trek page's
    counts (a GROUP BY over the trek's wide row) are estimated high on small tables without
    statistics: 4 s of compiling on every cold page, for a query that runs in a millisecond,
    until the settings turned JIT off."""
    _lares()
    empty_cache()
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("treks:detail", kwargs={"slug": "lares-trek"})).status_code == 200
    selects = [q["sql"] for q in queries if q["sql"].startswith("SELECT")]
    assert len(selects) > 5
    with connection.cursor() as cursor:
        for sql in selects:
            cursor.execute("EXPLAIN (ANALYZE, FORMAT TEXT) " + sql)
            plan = "\n".join(row[0] for row in cursor.fetchall())
            assert "JIT:" not in plan, plan
