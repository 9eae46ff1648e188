"""The Lares page with 8 real-size photos (4000×3000 JPEGs, uploaded through admin, so through the
real photo pipeline and its renditions): what a phone at 375 px transfers before the traveller
scrolls stays within 300 KB. Bytes are counted by Chromium (Resource Timing `transferSize` of the
document and of every resource it loads); `make audit` checks the same page's Lighthouse scores.
"""

import functools

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from tools.measure.photos import COUNT as PHOTOS
from tools.measure.photos import camera_jpeg
from treks.models import Trek, TrekImage

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

FIRST_VIEW_BUDGET = 300 * 1024

# The same seeded photos for both pages: made once (a second each), uploaded for each test.
_camera_jpeg = functools.cache(camera_jpeg)


@pytest.fixture
def lares_with_photos(staff_client):
    call_command("loaddata", "catalogue", "pages", verbosity=0)
    lares = Trek.objects.get(slug="lares-trek")
    for n in range(PHOTOS):
        data = _camera_jpeg(n)
        assert len(data) > 1024 * 1024  # real-size, not a thumbnail
        response = staff_client.post(
            reverse("admin:treks_trekimage_add"),
            {
                "trek": lares.pk,
                "image": SimpleUploadedFile(f"lares-{n}.jpg", data, content_type="image/jpeg"),
                "alt_text_en": f"Lares valley, photo {n + 1}",
                "alt_text_es": f"Valle de Lares, foto {n + 1}",
                "position": n + 1,
            },
        )
        assert response.status_code == 302, response.content[:2000]
    assert TrekImage.objects.filter(trek=lares).count() == PHOTOS
    return lares


def first_view_transfer(page):
    """(total bytes, [(bytes, url)]) of the document and what it loaded, once the network is
    idle and nothing has been scrolled."""
    page.wait_for_load_state("networkidle")
    entries = page.evaluate(
        """() => [...performance.getEntriesByType("navigation"),
                  ...performance.getEntriesByType("resource")]
                 .map((e) => [e.transferSize, e.name])"""
    )
    return sum(size for size, _ in entries), sorted(entries, reverse=True)


def test_lares_with_8_photos_transfers_at_most_300_kb_on_a_phones_first_view(
    open_page, lares_with_photos
):
    # Both languages in one test: uploading the 8 photos (and making their renditions) is most
    # of its time, and the Spanish page shows the same photos.
    for path in ["/treks/lares-trek/", "/es/caminatas/caminata-lares/"]:
        page = open_page(375, path)
        assert page.locator("img.cover-photo").count() == 1
        assert page.locator("img[loading=lazy]").count() >= PHOTOS - 1  # the gallery waits

        total, entries = first_view_transfer(page)

        assert all(size > 0 for size, _ in entries[:1])  # Chromium did report sizes
        listing = "\n".join(f"{size:>8} {url}" for size, url in entries)
        print(f"\n{path} at 375 px, first view: {total} bytes\n{listing}")  # for the report
        assert total <= FIRST_VIEW_BUDGET, f"{path}: {total} bytes:\n{listing}"
