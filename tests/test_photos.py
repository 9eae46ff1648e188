"""Trek photos in admin: what is accepted, what is refused, and what reaches storage."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import ExifTags, Image

from tests.factories import image_bytes, make_trek, make_walk, png_header_only, zip_bytes
from treks.images import MAX_UPLOAD_BYTES, RENDITION_WIDTHS
from treks.models import TrekImage

pytestmark = pytest.mark.django_db
ADD_URL = reverse("admin:treks_trekimage_add")


def stored_files(settings):
    root = settings.MEDIA_ROOT
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def upload(staff_client, trek, name, content, content_type="image/jpeg"):
    return staff_client.post(
        ADD_URL,
        {
            "trek": trek.pk,
            "image": SimpleUploadedFile(name, content, content_type=content_type),
            "alt_text_en": "The valley at dawn",
            "position": 1,
        },
    )


def gps_exif(orientation=None):
    exif = Image.Exif()
    if orientation:
        exif[ExifTags.Base.Orientation] = orientation
    exif[ExifTags.Base.Make] = "PhoneCo"
    exif[ExifTags.IFD.GPSInfo] = {
        ExifTags.GPS.GPSLatitudeRef: "S",
        ExifTags.GPS.GPSLatitude: (13.0, 9.0, 47.0),
        ExifTags.GPS.GPSLongitudeRef: "W",
        ExifTags.GPS.GPSLongitude: (72.0, 32.0, 42.0),
    }
    return exif


def test_a_real_jpeg_is_stored_without_location_and_with_renditions(staff_client, settings):
    trek = make_trek()
    data = image_bytes("JPEG", size=(1200, 800), exif=gps_exif())
    assert b"PhoneCo" in data  # the test file really carries EXIF
    response = upload(staff_client, trek, "dawn.jpg", data)
    assert response.status_code == 302
    photo = TrekImage.objects.get()
    with photo.image.open("rb") as stored:
        raw = stored.read()
    assert b"PhoneCo" not in raw
    assert not Image.open(io.BytesIO(raw)).getexif()
    widths = sorted({f["width"] for f in photo.renditions["files"]})
    assert widths == [w for w in RENDITION_WIDTHS if w < 1200]
    types = {f["type"] for f in photo.renditions["files"]}
    assert types == {"image/webp", "image/jpeg"}
    for rendition in photo.renditions["files"]:
        with photo.image.storage.open(rendition["name"], "rb") as f:
            made = Image.open(f)
            assert made.width == rendition["width"]
            assert not made.getexif()
    listing = staff_client.get(reverse("admin:treks_trekimage_changelist")).text
    assert "_480w.jpg" in listing  # staff see a preview of each photo


def test_exif_orientation_is_applied(staff_client):
    trek = make_trek()
    # Orientation 6: the camera was turned; the pixels are 800 wide, the photo is 600 wide.
    response = upload(staff_client, trek, "turned.jpg", image_bytes(exif=gps_exif(6)))
    assert response.status_code == 302
    photo = TrekImage.objects.get()
    assert (photo.width, photo.height) == (600, 800)
    with photo.image.open("rb") as stored:
        image = Image.open(stored)
        image.load()
    # The red corner, top-left in the sensor's pixels, is top-right once turned upright.
    assert image.getpixel((image.width - 10, 10))[0] > 200
    assert image.getpixel((10, 10))[0] < 100


def test_png_and_webp_are_accepted(staff_client):
    trek = make_trek()
    assert upload(staff_client, trek, "a.png", image_bytes("PNG"), "image/png").status_code == 302
    assert (
        upload(staff_client, trek, "b.webp", image_bytes("WEBP"), "image/webp").status_code == 302
    )
    assert TrekImage.objects.count() == 2


def _truncated_jpeg():
    data = image_bytes("JPEG", size=(1000, 800))
    return data[: len(data) // 2]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.jpg", b"", "empty"),
        ("bomb.png", png_header_only(20_000, 10_000), "pixels"),
        ("huge.png", png_header_only(8_000, 6_000), "48 megapixels"),
        ("page.png", b"<!doctype html><html><body>hello</body></html>", "not a JPEG, PNG or WebP"),
        ("archive.png", zip_bytes(), "not a JPEG, PNG or WebP"),
        ("half.jpg", _truncated_jpeg(), "damaged or incomplete"),
        ("liar.png", image_bytes("JPEG"), "name ends in"),
        ("tiny.jpg", image_bytes("JPEG", size=(100, 80)), "too small"),
    ],
)
def test_bad_uploads_are_refused_with_a_message_and_nothing_stored(
    staff_client, settings, name, content, message
):
    trek = make_trek()
    response = upload(staff_client, trek, name, content, "image/png")
    assert response.status_code == 200  # the form again, with the error
    assert message in response.text
    assert 'class="errorlist' in response.text
    assert TrekImage.objects.count() == 0
    assert stored_files(settings) == []


def test_a_file_over_the_size_limit_is_refused(staff_client, settings):
    trek = make_trek()
    big = image_bytes("PNG") + b"\0" * (MAX_UPLOAD_BYTES + 1)
    response = upload(staff_client, trek, "big.png", big, "image/png")
    assert response.status_code == 200
    assert "the most a photo may be" in response.text
    assert stored_files(settings) == []


def test_bad_upload_in_the_trek_inline_is_refused_too(staff_client, settings):
    trek = make_trek()
    url = reverse("admin:treks_trek_change", args=[trek.pk])
    page = staff_client.get(url)
    form = page.context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and not hasattr(v, "all")}
    data.update(
        {
            "name": trek.name,
            "slug": trek.slug,
            "styles": [],
            "alternatives": [],
            "destination": trek.destination_id,
            "start_place": trek.start_place_id,
            "end_place": trek.end_place_id,
            "stages-TOTAL_FORMS": 0,
            "stages-INITIAL_FORMS": 0,
            "faqs-TOTAL_FORMS": 0,
            "faqs-INITIAL_FORMS": 0,
            "images-TOTAL_FORMS": 1,
            "images-INITIAL_FORMS": 0,
            "images-0-image": SimpleUploadedFile("x.png", zip_bytes(), "image/png"),
            "images-0-alt_text": "A zip pretending",
            "images-0-position": 1,
        }
    )
    response = staff_client.post(url, data)
    assert response.status_code == 200
    assert "not a JPEG, PNG or WebP" in response.text
    assert stored_files(settings) == []


def test_trek_page_uses_picture_with_srcset_and_lazy_gallery(client, staff_client):
    trek = make_walk(make_trek(), 2)
    for n in (1, 2):
        upload(staff_client, trek, f"p{n}.jpg", image_bytes(size=(1600, 1000)))
    html = client.get(trek.get_absolute_url()).text
    assert '<source type="image/webp" srcset="' in html
    assert " 480w" in html and " 960w" in html
    assert 'sizes="' in html
    assert 'width="960" height="600"' in html
    assert html.count('loading="lazy"') >= 1  # the gallery, below the fold
    assert 'fetchpriority="high"' in html  # the cover, above it
    assert 'alt="The valley at dawn"' in html


def test_pages_look_complete_without_photos(client):
    trek = make_walk(make_trek(), 2)
    html = client.get(reverse("treks:list")).text
    assert 'class="profile-thumb"' in html
    assert "<img" not in html
    assert client.get(trek.get_absolute_url()).status_code == 200


def test_uploaded_media_are_served(client, staff_client):
    trek = make_trek()
    upload(staff_client, trek, "served.jpg", image_bytes())
    photo = TrekImage.objects.get()
    response = client.get(photo.image.url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
