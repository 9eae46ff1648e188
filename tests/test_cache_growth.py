"""Only pages that exist are stored (issue 23, item 3): a few hundred made-up page numbers,
filter values, trek slugs and departure ids add no entry to the page cache. A page past the
last, or a number written another way, is sent to the canonical address; a value the
catalogue does not understand is shown with a notice and not stored. Run with `-s` for the
figures."""

from collections import Counter

import pytest
from django.urls import reverse

from tests.factories import make_departure, make_post, make_trek, make_walk
from treks.views import CATALOGUE_PAGE_SIZE

pytestmark = pytest.mark.django_db

DIGITS = ["٣", "²", "３", "0", "-1", "02", "1e3", "9" * 30, "x" * 5000, "🙂"]


def _made_up(lares, departure):
    blog, treks = reverse("blog:list"), reverse("treks:list")
    lares_url = lares.get_absolute_url()
    yield from (("blog ?page=N", f"{blog}?page={n}") for n in range(3, 103))
    yield from (("blog ?page=odd", f"{blog}?page={v}") for v in DIGITS)
    yield from (("blog ?trek=made-up", f"{blog}?trek=made-up-{n}") for n in range(100))
    yield from (("treks ?page=N", f"{treks}?page={n}") for n in range(3, 103))
    yield from (("treks ?page=odd", f"{treks}?page={v}") for v in DIGITS)
    yield from (("treks ?destination=made-up", f"{treks}?destination=d-{n}") for n in range(50))
    yield from (("treks ?utm_source=", f"{treks}?utm_source={n}") for n in range(20))
    yield from (("trek ?departure=made-up", f"{lares_url}?departure={n}") for n in range(1, 51))
    yield from (("trek ?departure=odd", f"{lares_url}?departure={v}") for v in DIGITS)
    yield ("trek ?departure=٣", f"{lares_url}?departure={str(departure.pk).translate(ARABIC)}")
    yield from (("unknown trek slug", f"/treks/made-up-{n}/") for n in range(20))


ARABIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


def test_made_up_values_add_no_entry_to_the_page_cache(client, stored_page_keys):
    stored = stored_page_keys
    lares = make_walk(make_trek(name="Lares Trek", slug="lares-trek"), 3)
    for _ in range(CATALOGUE_PAGE_SIZE):
        make_walk(make_trek(), 1)
    for n in range(11):
        make_post(title=f"Guide {n}", treks=[lares])
    departure = make_departure(lares)
    real = [
        reverse("blog:list"),
        reverse("blog:list") + "?page=2",
        reverse("blog:list") + "?trek=lares-trek",
        reverse("treks:list"),
        reverse("treks:list") + "?page=2",
        lares.get_absolute_url(),
        lares.get_absolute_url() + f"?departure={departure.pk}",
    ]
    for url in real:
        assert client.get(url).status_code == 200, url
    assert len(stored) == len(real)  # every page that exists is stored...

    counts = Counter()
    for family, url in _made_up(lares, departure):
        response = client.get(url)
        counts[family, response.status_code] += 1
        assert response.status_code in (200, 302, 404), url
    counts_by_family = Counter(family for family, _status in counts.elements())
    print()
    for family in counts_by_family:
        answers = ", ".join(f"{n}× {s}" for (f, s), n in sorted(counts.items()) if f == family)
        print(f"| {family} | {counts_by_family[family]} | {answers} |")
    print(f"| made-up values sent | {sum(counts_by_family.values())} | entries added: "
          f"{len(stored) - len(real)} |")  # fmt: skip
    assert sum(counts_by_family.values()) > 400
    assert len(stored) == len(real)  # ...and no made-up value adds one


def test_a_made_up_trek_on_the_blog_is_sent_to_every_post_with_a_notice(client):
    make_post(title="Acclimatising")
    response = client.get(reverse("blog:list"), {"trek": "made-up"}, follow=True)
    assert response.redirect_chain == [(reverse("blog:list"), 302)]
    assert "We know no trek of that name: here are all our posts." in response.text
    assert "Acclimatising" in response.text


def test_a_departure_id_written_in_other_digits_is_sent_to_its_canonical_address(client):
    lares = make_walk(make_trek(slug="lares-trek"), 3)
    departure = make_departure(lares)
    response = client.get(
        lares.get_absolute_url(), {"departure": str(departure.pk).translate(ARABIC)}
    )
    assert response.status_code == 302
    assert response.url == f"{lares.get_absolute_url()}?departure={departure.pk}"
    assert client.get(lares.get_absolute_url(), {"departure": "²"}).url == lares.get_absolute_url()
