"""Camera-size photos for the Lares trek, made on the spot (no photo is committed): used by the
browser test of the first view's weight and by `make audit`'s "Lares with 8 photos" page.

    python -m tools.measure.photos   # with DATA_DIR etc. of the stack: adds them through the
                                     # same checks and renditions as an upload in admin
"""

import io
import random

COUNT = 8
SIZE = (4000, 3000)
TREK_SLUG = "lares-trek"


def camera_jpeg(seed):
    """A 4000×3000 JPEG that weighs what a camera's does (a few MB): smooth colour areas with
    sensor grain, not a flat colour that would compress to nothing."""
    from PIL import Image

    rng = random.Random(seed)  # noqa: S311 (seeded: the same photos every run, no secret)
    small = Image.new("RGB", (40, 30))
    small.putdata([tuple(rng.randrange(256) for _ in range(3)) for _ in range(40 * 30)])
    image = small.resize(SIZE, Image.Resampling.BICUBIC)
    grain = Image.effect_noise(SIZE, 40).convert("RGB")
    image = Image.blend(image, grain, 0.12)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def add_to_lares():
    """Store COUNT photos on the Lares trek as admin does: images.cleaned_upload() (the checks,
    EXIF dropped, re-encoded), then TrekImage.save() makes the renditions."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from treks import images
    from treks.models import Trek, TrekImage

    lares = Trek.objects.get(slug=TREK_SLUG)
    for n in range(COUNT):
        upload = SimpleUploadedFile(f"lares-{n}.jpg", camera_jpeg(n), content_type="image/jpeg")
        TrekImage.objects.create(
            trek=lares,
            image=images.cleaned_upload(upload),
            alt_text_en=f"Lares valley, photo {n + 1}",
            alt_text_es=f"Valle de Lares, foto {n + 1}",
            position=n + 1,
        )


if __name__ == "__main__":
    import django

    django.setup()
    add_to_lares()
