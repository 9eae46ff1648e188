"""Public requests send small form bodies and no files; only staff in admin upload photos
(operator_site.limits, issue 12 item 9)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from inquiries.models import Inquiry
from tests.factories import inquiry_post_data, make_trek

pytestmark = pytest.mark.django_db

CONTACT = "/contact/"
KB = 1024


def _form_body(size):
    """A url-encoded request form of exactly `size` bytes (the message made long)."""
    from urllib.parse import urlencode

    data = inquiry_post_data(message="")
    body = urlencode(data)
    return body + "&pad=" + "x" * (size - len(body) - len("&pad="))


@pytest.mark.parametrize("path", [CONTACT, "/treks/lares/request/", "/admin/login/", "/"])
def test_a_public_body_over_64_kb_gets_413_and_stores_nothing(client, path):
    if "lares" in path:
        path = reverse("inquiries:trek_request", kwargs={"slug": make_trek(slug="lares").slug})
    response = client.post(
        path, _form_body(64 * KB + 1), content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 413
    assert "That was too large for us" in response.content.decode()
    assert Inquiry.objects.count() == 0


def test_a_public_body_of_64_kb_is_read(client):
    response = client.post(
        CONTACT, _form_body(64 * KB), content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 302
    assert Inquiry.objects.count() == 1


def test_the_longest_request_form_a_person_can_send_fits(client):
    """5000 characters of four-byte letters, percent-encoded: the worst case of a real form."""
    from inquiries.models import MESSAGE_MAX_LENGTH

    data = inquiry_post_data(message="🏔" * MESSAGE_MAX_LENGTH)
    assert client.post(CONTACT, data).status_code == 302
    assert Inquiry.objects.get().message == "🏔" * MESSAGE_MAX_LENGTH


def test_a_file_part_in_the_request_form_is_refused(client):
    data = {**inquiry_post_data(), "photo": SimpleUploadedFile("a.jpg", b"\xff\xd8tiny")}
    response = client.post(CONTACT, data)
    assert response.status_code == 400
    assert "We could not understand that request" in response.content.decode()
    assert Inquiry.objects.count() == 0


def test_a_multipart_form_without_files_is_still_accepted(client):
    response = client.post(CONTACT, inquiry_post_data())  # the test client sends multipart
    assert response.status_code == 302
    assert Inquiry.objects.count() == 1


def test_an_anonymous_post_to_admin_gets_the_public_limit(client):
    data = {"username": "a", "password": "b", "file": SimpleUploadedFile("a.txt", b"x")}
    assert client.post(reverse("admin:login"), data).status_code == 400


def _noisy_jpeg():
    """A photo of random pixels: it does not compress, so it is well over 64 KB."""
    import io
    import os

    from PIL import Image

    buffer = io.BytesIO()
    Image.frombytes("RGB", (480, 360), os.urandom(480 * 360 * 3)).save(buffer, "JPEG")
    return buffer.getvalue()


def test_staff_upload_photos_over_64_kb_in_admin(staff_client):
    from treks.models import TrekImage

    photo = _noisy_jpeg()
    assert len(photo) > 64 * KB
    response = staff_client.post(
        reverse("admin:treks_trekimage_add"),
        {
            "trek": make_trek().pk,
            "image": SimpleUploadedFile("p.jpg", photo, content_type="image/jpeg"),
            "alt_text_en": "The valley at dawn",  # per language: treks/translation.py
            "position": 1,
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert TrekImage.objects.count() == 1


def test_staff_requests_over_the_whole_limit_get_413(staff_client, settings):
    response = staff_client.generic(
        "POST",
        reverse("admin:treks_trek_add"),
        b"tiny",
        content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(settings.MAX_REQUEST_BYTES + 1),
    )
    assert response.status_code == 413
