"""Small test-data builders (plain functions with overridable defaults), independent of the
demo fixtures so that tests say exactly what they rely on."""

from decimal import Decimal
from itertools import count

from treks.models import Destination, ItineraryStage, Place, TravelStyle, Trek

_seq = count(1)


def make_destination(**kwargs):
    n = next(_seq)
    kwargs.setdefault("name", f"Destination {n}")
    kwargs.setdefault("slug", f"destination-{n}")
    return Destination.objects.create(**kwargs)


def make_style(**kwargs):
    n = next(_seq)
    kwargs.setdefault("name", f"Style {n}")
    kwargs.setdefault("slug", f"style-{n}")
    return TravelStyle.objects.create(**kwargs)


def make_place(**kwargs):
    n = next(_seq)
    kwargs.setdefault("name", f"Place {n}")
    # Below 4,000 m however many places a run makes, so a test's own pass stays the highest.
    kwargs.setdefault("altitude_m", 3000 + n % 1000)
    kwargs.setdefault("latitude", Decimal("-13.2") + Decimal(n) / 1000)
    kwargs.setdefault("longitude", Decimal("-72.1") - Decimal(n) / 1000)
    return Place.objects.create(**kwargs)


def make_trek(**kwargs):
    n = next(_seq)
    kwargs.setdefault("name", f"Trek {n}")
    kwargs.setdefault("slug", f"trek-{n}")
    kwargs.setdefault("summary", f"Summary of trek {n}.")
    kwargs.setdefault("description", f"Story of trek {n}.")
    kwargs.setdefault("best_season", "April to October")
    kwargs.setdefault("is_published", True)
    if "destination" not in kwargs:
        kwargs["destination"] = make_destination()
    if "start_place" not in kwargs:
        kwargs["start_place"] = make_place()
    if "end_place" not in kwargs:
        kwargs["end_place"] = make_place()
    return Trek.objects.create(**kwargs)


def make_stage(trek, **kwargs):
    kwargs.setdefault("day", 1)
    kwargs.setdefault("order", 1)
    kwargs.setdefault("title", f"Stage {kwargs['day']}.{kwargs['order']}")
    if "start_place" not in kwargs:
        kwargs["start_place"] = make_place()
    if "end_place" not in kwargs:
        kwargs["end_place"] = make_place()
    kwargs.setdefault("distance_km", Decimal("10"))
    kwargs.setdefault("hours", Decimal("4"))
    return ItineraryStage.objects.create(trek=trek, **kwargs)


def make_walk(trek, days, *, km=10, start_altitude=3000, step=100):
    """A trek of `days` walking days, one stage a day, each climbing `step` metres."""
    place = make_place(altitude_m=start_altitude)
    for day in range(1, days + 1):
        nxt = make_place(altitude_m=start_altitude + day * step)
        make_stage(
            trek,
            day=day,
            start_place=place,
            end_place=nxt,
            distance_km=Decimal(km),
            ascent_m=step,
        )
        place = nxt
    return trek


def make_page(**kwargs):
    from operator_site.models import ContentPage

    n = next(_seq)
    kwargs.setdefault("title", f"Page {n}")
    kwargs.setdefault("slug", f"page-{n}")
    kwargs.setdefault("summary", f"Summary of page {n}.")
    kwargs.setdefault("body", f"Text of page {n}.")
    kwargs.setdefault("is_published", True)
    return ContentPage.objects.create(**kwargs)


# --- Files for upload tests, generated in memory -------------------------------------------


def image_bytes(fmt="JPEG", size=(800, 600), color=(40, 120, 80), exif=None):
    import io

    from PIL import Image

    buffer = io.BytesIO()
    image = Image.new("RGB", size, color)
    # A distinct top-left corner, so a test can tell whether the photo was turned.
    image.paste((250, 20, 20), (0, 0, size[0] // 4, size[1] // 4))
    params = {"exif": exif} if exif is not None else {}
    image.save(buffer, fmt, **params)
    return buffer.getvalue()


def png_header_only(width, height):
    """A tiny PNG that declares a huge canvas: what a decompression bomb looks like."""
    import struct
    import zlib

    def chunk(kind, data):
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 1024)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def zip_bytes():
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("photo.png", b"not really")
    return buffer.getvalue()


def jpeg_bytes(width=40, height=30, color=(31, 107, 69)):
    """A small, real JPEG made in memory."""
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (width, height), color).save(buffer, format="JPEG")
    return buffer.getvalue()


def make_image(trek, **kwargs):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from treks.models import TrekImage

    kwargs.setdefault("alt_text", "A lake below a pass")
    kwargs.setdefault("image", SimpleUploadedFile("photo.jpg", jpeg_bytes(), "image/jpeg"))
    return TrekImage.objects.create(trek=trek, **kwargs)


def make_inquiry(**kwargs):
    """A stored request for information, as if a traveller had sent it (no e-mails)."""
    import datetime

    from django.utils import timezone

    from inquiries.models import Inquiry

    kwargs.setdefault("travel_date", timezone.localdate() + datetime.timedelta(days=60))
    kwargs.setdefault("group_size", 2)
    kwargs.setdefault("lead_source", Inquiry.LeadSource.SEARCH)
    n = next(_seq)
    kwargs.setdefault("name", f"Traveller {n}")
    # One address each: an address gets at most INQUIRY_CONFIRMATIONS_PER_DAY confirmations.
    kwargs.setdefault("email", f"traveller{n}@example.com")
    return Inquiry.objects.create(**kwargs)


def send_outbox():
    """One run of `manage.py send_outbox`, as cron runs it every minute; returns its output."""
    import io

    from django.core.management import call_command

    out = io.StringIO()
    call_command("send_outbox", stdout=out, stderr=io.StringIO())
    return out.getvalue()


def queue_emails(inquiry):
    """Queue a stored request's two e-mails in the outbox, as submitting it does."""
    from django.db import transaction

    from inquiries import notifications

    with transaction.atomic():
        notifications.queue_for(inquiry)
    return inquiry


def inquiry_post_data(**overrides):
    """What a person's browser posts from the request form, filled in seconds ago.

    The form token is rendered 10 seconds in the past so the minimum fill time is met.
    """
    import datetime
    import time

    from django.utils import timezone

    from inquiries import tokens

    data = {
        "travel_date": (timezone.localdate() + datetime.timedelta(days=90)).isoformat(),
        "group_size": "2",
        "lead_source": "tripadvisor",
        "name": "Ana Quispe",
        "email": "ana@example.com",
        "phone": "+51 984 123456",
        "country": "Peru",
        "message": "Do you have places in the second week?",
        "form_token": tokens.new_form_token(rendered_at=time.time() - 10),
        "website": "",
    }
    data.update(overrides)
    return data


def make_post(*, treks=(), **kwargs):
    from blog.models import Post

    n = next(_seq)
    kwargs.setdefault("title", f"Post {n}")
    kwargs.setdefault("slug", f"post-{n}")
    kwargs.setdefault("summary", f"Summary of post {n}.")
    kwargs.setdefault("body", f"Body of post {n}.")
    kwargs.setdefault("author", "Ana Quispe")
    kwargs.setdefault("is_published", True)
    post = Post.objects.create(**kwargs)
    post.treks.set(treks)
    return post


def make_review(trek, **kwargs):
    import datetime

    from reviews.models import Review

    kwargs.setdefault("first_name", "Ana")
    kwargs.setdefault("country", "Chile")
    kwargs.setdefault("trip_date", datetime.date(2026, 6, 10))
    kwargs.setdefault("rating", 5)
    kwargs.setdefault("text", "Great guides.")
    kwargs.setdefault("source", "Tripadvisor")
    kwargs.setdefault("is_published", True)
    return Review.objects.create(trek=trek, **kwargs)


def make_departure(trek=None, **kwargs):
    """A group departure 30 days ahead with 8 seats, none held."""
    import datetime

    from django.utils import timezone

    from treks.models import Departure

    kwargs.setdefault("start_date", timezone.localdate() + datetime.timedelta(days=30))
    kwargs.setdefault("seats", 8)
    kwargs.setdefault("guarantee_min", 2)
    kwargs.setdefault("price_per_person", Decimal("650.00"))
    return Departure.objects.create(trek=trek or make_trek(), **kwargs)


def make_booking(departure=None, **kwargs):
    """A confirmed booking of `departure` (made through the service, so its seats are held)."""
    import datetime

    from bookings import services

    departure = departure or make_departure(make_walk(make_trek(), 3))
    travellers = kwargs.pop("travellers", 2)
    inquiry = kwargs.pop("inquiry", None) or make_inquiry(
        trek=departure.trek, departure=departure, group_size=travellers
    )
    kwargs.setdefault("total_price", departure.price_per_person * travellers)
    kwargs.setdefault("deposit_due", kwargs["total_price"] / 4)
    kwargs.setdefault("balance_due_date", departure.start_date - datetime.timedelta(days=1))
    kwargs.setdefault("payment_instructions", "Bank transfer to account 123 (to confirm).")
    return services.book(inquiry=inquiry, departure=departure, travellers=travellers, **kwargs)


def payment_post(booking, **row):
    """The booking's admin form as staff post it with one new payment row."""
    from django.utils import timezone

    data = {
        "payments-TOTAL_FORMS": "1",
        "payments-INITIAL_FORMS": "0",
        "payments-MIN_NUM_FORMS": "0",
        "payments-MAX_NUM_FORMS": "1000",
        "traveller_rows-TOTAL_FORMS": str(booking.traveller_rows.count()),
        "traveller_rows-INITIAL_FORMS": str(booking.traveller_rows.count()),
        "traveller_rows-MIN_NUM_FORMS": "0",
        "traveller_rows-MAX_NUM_FORMS": "1000",
        "total_price": str(booking.total_price),
        "deposit_due": str(booking.deposit_due),
        "balance_due_date": booking.balance_due_date.isoformat(),
        "payment_instructions": booking.payment_instructions,
    }
    if booking.hold_until is not None:  # the admin's date and time fields, as shown
        from django.utils import timezone as tz

        held = tz.localtime(booking.hold_until)
        data["hold_until_0"] = held.date().isoformat()
        data["hold_until_1"] = held.strftime("%H:%M:%S")
    for n, traveller in enumerate(booking.traveller_rows.all()):
        data[f"traveller_rows-{n}-id"] = str(traveller.pk)
        data[f"traveller_rows-{n}-booking"] = str(booking.pk)
    payment = {
        "amount": "200",
        "paid_on": timezone.localdate().isoformat(),
        "method": "bank_transfer",
        "reference": "TRX-88",
    }
    payment.update(row)
    for key, value in payment.items():
        data[f"payments-0-{key}"] = value
    return data


def record_payment_in_admin(staff_client, booking, **row):
    """A payment recorded as staff record one: the booking's admin page, its payments row."""
    response = staff_client.post(booking.get_admin_url(), payment_post(booking, **row))
    assert response.status_code == 302, response.content.decode()[:2000]
    return response


def set_operator(**values):
    """The operator's details with `values`, saved (which bumps the page cache's version, as
    an edit in admin does)."""
    from operator_site.details import seeded
    from operator_site.models import OperatorDetails

    details = OperatorDetails.objects.filter(pk=OperatorDetails.SINGLETON_ID).first() or seeded()
    for name, value in values.items():
        setattr(details, name, value)
    details.save()
    return details
