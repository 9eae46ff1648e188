"""Trek photos: check an upload before anything is stored, then make the renditions pages use.

An upload is trusted only after Pillow has decoded every pixel of it: the first bytes must be
those of a JPEG, PNG or WebP, the name must agree with them, the size and the pixel count must
stay under the limits below (a small file can declare a gigantic canvas: a decompression bomb),
and a truncated file fails while decoding. Only then is the photo re-encoded, which drops EXIF
(and the GPS position a phone writes into it) after the EXIF orientation has been applied.

Files go through Django's storage API only, so media can move to object storage unchanged.
"""

import io
import posixpath
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

MAX_UPLOAD_BYTES = 15 * 1024 * 1024
MAX_PIXELS = 40_000_000  # a 40-megapixel camera; anything bigger is refused, not resized
MIN_SIDE_PX = 320
RENDITION_WIDTHS = (480, 960, 1600)
JPEG_QUALITY = 82
WEBP_QUALITY = 78


def _pillow():
    """Pillow, imported when a photo is checked or resized (staff's uploads): the workers that
    only serve pages never load it."""
    from PIL import Image, ImageFile, ImageOps

    # Never decode half a file: a truncated upload must fail, not show a grey band.
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    return Image, ImageOps


@dataclass(frozen=True)
class _Kind:
    pil_format: str
    extensions: tuple
    content_type: str


KINDS = {
    "JPEG": _Kind("JPEG", (".jpg", ".jpeg"), "image/jpeg"),
    "PNG": _Kind("PNG", (".png",), "image/png"),
    "WEBP": _Kind("WEBP", (".webp",), "image/webp"),
}


def sniff(head):
    """The format the first bytes announce, or None. Name and declared type count for nothing."""
    if head.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "WEBP"
    return None


def _read_all(upload):
    upload.seek(0)
    data = upload.read(MAX_UPLOAD_BYTES + 1)
    upload.seek(0)
    return data


def validated_image(upload):
    """Check an uploaded file and return it decoded, upright and without metadata.

    Raises ValidationError with a message an editor can act on. Writes nothing anywhere.
    """
    Image, ImageOps = _pillow()
    size = getattr(upload, "size", None)
    if not size:
        raise ValidationError(_("The file is empty (0 bytes)."), code="empty")
    if size > MAX_UPLOAD_BYTES:
        raise ValidationError(
            _("The file is %(size)s; the most a photo may be is %(max)s.")
            % {"size": filesizeformat(size), "max": filesizeformat(MAX_UPLOAD_BYTES)},
            code="too_big",
        )
    data = _read_all(upload)
    kind = sniff(data[:16])
    if kind is None:
        raise ValidationError(
            _("This is not a JPEG, PNG or WebP image, whatever its name says."), code="not_image"
        )
    extension = posixpath.splitext((upload.name or "").lower())[1]
    if extension not in KINDS[kind].extensions:
        raise ValidationError(
            _("The file is a %(kind)s image but its name ends in “%(ext)s”. Rename it and retry.")
            % {"kind": kind, "ext": extension or _("(nothing)")},
            code="wrong_extension",
        )
    try:
        # Pillow itself refuses twice its MAX_IMAGE_PIXELS on open; ours is lower and is checked
        # from the header, before a single pixel is decoded.
        image = Image.open(io.BytesIO(data), formats=[kind])
        width, height = image.size
        if width * height > MAX_PIXELS:
            raise ValidationError(
                _(
                    "The image is %(w)s x %(h)s pixels (%(mp)s megapixels); the most "
                    "accepted is %(max)s megapixels."
                )
                % {
                    "w": width,
                    "h": height,
                    "mp": round(width * height / 1_000_000),
                    "max": MAX_PIXELS // 1_000_000,
                },
                code="too_many_pixels",
            )
        image.load()
    except ValidationError:
        raise
    except Image.DecompressionBombError:
        raise ValidationError(
            _("The image declares more pixels than is safe to open; it is refused."),
            code="too_many_pixels",
        ) from None
    except Exception:
        # UnidentifiedImageError, "image file is truncated", broken chunks: all the same to staff.
        raise ValidationError(
            _("The image is damaged or incomplete (perhaps a truncated upload). Export it again."),
            code="broken",
        ) from None
    if min(width, height) < MIN_SIDE_PX:
        raise ValidationError(
            _("The image is too small (%(w)s x %(h)s); photos need at least %(min)s pixels a side.")
            % {"w": width, "h": height, "min": MIN_SIDE_PX},
            code="too_small",
        )
    upright = ImageOps.exif_transpose(image)
    return kind, _without_metadata(upright)


def _without_metadata(image):
    """A copy holding pixels only: no EXIF, no GPS, no XMP, no comments."""
    mode = "RGBA" if image.mode in ("RGBA", "LA", "P") and _has_alpha(image) else "RGB"
    clean = image.convert(mode)
    clean.info = {}
    return clean


def _has_alpha(image):
    if image.mode == "P":
        return "transparency" in image.info
    return True


def encode(image, kind, *, quality=None):
    buffer = io.BytesIO()
    if kind == "JPEG":
        if image.mode != "RGB":
            image = _flatten(image)
        image.save(buffer, "JPEG", quality=quality or JPEG_QUALITY, optimize=True, progressive=True)
    elif kind == "WEBP":
        image.save(buffer, "WEBP", quality=quality or WEBP_QUALITY, method=4)
    else:
        image.save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


def _flatten(image):
    Image, _ = _pillow()
    background = Image.new("RGB", image.size, (255, 255, 255))
    background.paste(image, mask=image.getchannel("A") if image.mode == "RGBA" else None)
    return background


def cleaned_upload(upload):
    """The upload re-encoded in its own format, without metadata: what gets stored as original."""
    kind, image = validated_image(upload)
    quality = 92 if kind in ("JPEG", "WEBP") else None
    stem = posixpath.splitext(posixpath.basename(upload.name))[0] or "photo"
    name = stem + KINDS[kind].extensions[0]
    content = ContentFile(encode(image, kind, quality=quality), name=name)
    content.content_type = KINDS[kind].content_type
    return content


def rendition_widths(original_width):
    """The widths to make: the standard ones narrower than the photo, and at least one."""
    widths = [w for w in RENDITION_WIDTHS if w < original_width]
    return widths or [original_width]


def make_renditions(name, *, storage=None):
    """Write WebP and JPEG renditions of a stored photo; return their descriptions."""
    Image, ImageOps = _pillow()
    storage = storage or default_storage
    with storage.open(name, "rb") as stored:
        image = Image.open(io.BytesIO(stored.read()))
        image.load()
    image = _without_metadata(ImageOps.exif_transpose(image))
    base = posixpath.splitext(name)[0]
    renditions = []
    for width in rendition_widths(image.width):
        height = round(image.height * width / image.width)
        resized = image.resize((width, height), Image.Resampling.LANCZOS)
        for kind, ext, content_type in (
            ("WEBP", "webp", "image/webp"),
            ("JPEG", "jpg", "image/jpeg"),
        ):
            target = f"{base}_{width}w.{ext}"
            if storage.exists(target):
                storage.delete(target)
            saved = storage.save(target, ContentFile(encode(resized, kind)))
            renditions.append(
                {"name": saved, "width": width, "height": height, "type": content_type}
            )
    return renditions


def delete_renditions(renditions, *, storage=None):
    storage = storage or default_storage
    for rendition in renditions or []:
        storage.delete(rendition["name"])


class Picture:
    """A stored photo and its renditions as treks/_picture.html reads them: a srcset per format
    and the JPEG an old browser loads. `renditions` is the {"files": [...]} that
    `make_renditions` records (a trek photo's, a blog post's cover)."""

    def __init__(self, file, renditions, *, width, height, alt_text):
        self.file = file
        self.renditions = renditions or {}
        self.width, self.height = width, height
        self.alt_text = alt_text

    def files(self, content_type):
        """The renditions of one format, narrowest first."""
        files = [f for f in self.renditions.get("files", []) if f["type"] == content_type]
        return sorted(files, key=lambda f: f["width"])

    def _srcset(self, content_type):
        storage = self.file.storage
        return ", ".join(
            f"{storage.url(f['name'])} {f['width']}w" for f in self.files(content_type)
        )

    @property
    def webp_srcset(self):
        return self._srcset("image/webp")

    @property
    def jpeg_srcset(self):
        return self._srcset("image/jpeg")

    @property
    def fallback(self):
        """The widest JPEG up to 960 px, with its size (the original before renditions exist)."""
        files = self.files("image/jpeg")
        if not files:
            return {"url": self.file.url, "width": self.width, "height": self.height}
        best = ([f for f in files if f["width"] <= 960][-1:] or files[:1])[0]
        return {
            "url": self.file.storage.url(best["name"]),
            "width": best["width"],
            "height": best["height"],
        }

    @property
    def url(self):
        return self.fallback["url"]
