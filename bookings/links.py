"""The traveller's link: a random token (a BookingLink row, which staff can revoke) signed
with a timestamp, so that a forged address fails the signature and an old one expires."""

from django.conf import settings
from django.core import signing
from django.urls import reverse

SALT = "bookings.link"


def path_for(link):
    signed = signing.TimestampSigner(salt=SALT).sign(link.token)
    return reverse("bookings:booking", kwargs={"signed": signed})


def read(signed):
    """The live BookingLink of a signed value, or None (forged, expired or revoked)."""
    from .models import BookingLink

    try:
        token = signing.TimestampSigner(salt=SALT).unsign(
            signed, max_age=settings.BOOKING_LINK_MAX_AGE_DAYS * 24 * 3600
        )
    except signing.BadSignature:  # SignatureExpired is one
        return None
    return (
        BookingLink.objects.select_related("booking__trek", "booking__departure")
        .filter(token=token, revoked_at__isnull=True)
        .first()
    )
