"""Staff write posts in admin: the form's bounds, the cover photo's checks, actions bump pages."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from blog.models import Post
from tests.factories import image_bytes, make_post, make_trek

pytestmark = pytest.mark.django_db


def _data(**overrides):
    data = {
        "title_en": "Acclimatising in Cusco",
        "title_es": "",
        "slug_en": "acclimatising-in-cusco",
        "slug_es": "",
        "summary_en": "Two nights first.",
        "summary_es": "",
        "body_en": "Walk slowly.",
        "body_es": "",
        "author": "Ana",
        "is_published": "on",
        "published_on": "2026-11-01",
        "cover_alt_en": "",
        "cover_alt_es": "",
    }
    data.update(overrides)
    return data


def _add(staff_client, files=None, **overrides):
    return staff_client.post(
        reverse("admin:blog_post_add"), {**_data(**overrides), **(files or {})}
    )


def test_staff_add_a_post_with_its_treks(staff_client):
    trek = make_trek()
    response = _add(staff_client, treks=[trek.pk])
    assert response.status_code == 302
    post = Post.objects.get()
    assert list(post.treks.all()) == [trek]
    assert post.slug_es == "acclimatising-in-cusco"  # the English slug until staff write one


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"title_en": "x" * 121}, "title_en"),
        ({"title_en": ""}, "title_en"),
        ({"slug_en": "not a slug"}, "slug_en"),
        ({"summary_en": "x" * 301}, "summary_en"),
        ({"body_en": "x" * 40001}, "body_en"),
        ({"author": "x" * 81}, "author"),
        ({"published_on": "2026-02-30"}, "published_on"),
    ],
    ids=["title-long", "title-empty", "slug", "summary", "body", "author", "date"],
)
def test_bad_post_input_is_refused_with_a_message_and_kept(staff_client, overrides, field):
    response = _add(staff_client, **overrides)
    assert response.status_code == 200
    assert field in response.context["adminform"].form.errors
    assert not Post.objects.exists()
    kept = overrides[field]
    if kept:
        assert kept[:50] in response.text


def test_duplicate_slug_is_refused(staff_client):
    make_post(slug="acclimatising-in-cusco")
    response = _add(staff_client)
    assert response.status_code == 200
    assert "Another post already uses this slug." in response.text


def test_cover_photo_needs_alt_text_and_gets_renditions(staff_client):
    upload = SimpleUploadedFile("c.jpg", image_bytes(size=(1000, 700)), "image/jpeg")
    refused = _add(staff_client, files={"cover": upload})
    assert refused.status_code == 200
    assert "A cover photo needs alt text." in refused.text
    assert not Post.objects.exists()

    upload = SimpleUploadedFile("c.jpg", image_bytes(size=(1000, 700)), "image/jpeg")
    response = _add(staff_client, files={"cover": upload}, cover_alt_en="Ipsaycocha Lake")
    assert response.status_code == 302
    post = Post.objects.get()
    assert {f["type"] for f in post.cover_renditions["files"]} == {"image/webp", "image/jpeg"}


def test_a_file_that_is_not_a_photo_is_refused(staff_client):
    upload = SimpleUploadedFile("c.jpg", b"not an image at all", "image/jpeg")
    response = _add(staff_client, files={"cover": upload}, cover_alt_en="A lake")
    assert response.status_code == 200
    assert "cover" in response.context["adminform"].form.errors
    assert not Post.objects.exists()


def test_unpublish_action_takes_the_post_off_the_cached_blog(client, staff_client):
    post = make_post(title="Going away")
    from django.test import Client

    public = Client()
    assert "Going away" in public.get(reverse("blog:list")).text
    staff_client.post(
        reverse("admin:blog_post_changelist"),
        {"action": "unpublish", "_selected_action": [post.pk]},
    )
    assert "Going away" not in public.get(reverse("blog:list")).text
