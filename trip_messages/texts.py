"""A traveller message written out: the staff's text for its kind and language with the
placeholders filled in, as text and HTML, with its calendar file.

The placeholders are the desk's replies' ({name}, {trek}, {date}, {people}, {staff}), filled
by the desk's own `fill`, plus the trip's. A fact the site does not know yet (no meeting place
typed, no guide named) is written as "to be confirmed": never guessed.
"""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from bookings import links
from bookings.models import BookingLink
from desk import replies
from desk.models import PLACEHOLDERS as DESK_PLACEHOLDERS
from operator_site import details
from reviews.requests import review_links
from treks.templatetags.trek_tags import altitude
from treks.views import HIGH_ALTITUDE_M  # where the trek page's altitude box shows too

from . import calendar
from .models import Kind, MessageTemplate

TRIP_PLACEHOLDERS = (
    "start_date",
    "end_date",
    "meeting_place",
    "pickup_time",
    "packing_list",
    "altitude",
    "guide",
    "guide_phone",
    "operator",
    "operator_phone",
    "whatsapp",
    "booking_link",
    "balance",
    "balance_due_date",
    "old_date",
    "new_date",
    "review_links",
)
PLACEHOLDERS = DESK_PLACEHOLDERS + TRIP_PLACEHOLDERS


class NoText(Exception):
    """No text is written for this message in the traveller's language nor in English."""


def template_for(kind, language):
    found = {t.language: t for t in MessageTemplate.objects.filter(kind=kind)}
    template = found.get(language) or found.get(settings.LANGUAGE_CODE)
    if template is None:
        raise NoText(kind)
    return template


def booking_url(booking):
    """A fresh link for the traveller (its own expiry from today), in their language."""
    link = BookingLink.objects.create(booking=booking)
    return settings.SITE_URL + links.path_for(link)


def _day(day):
    return date_format(day, _("l j F Y")) if day else ""


def altitude_advice(trek):
    """The trek page's altitude advice, in the same words (the same translated sentence)."""
    facts = trek.facts
    if not facts.max_altitude_m or facts.max_altitude_m < HIGH_ALTITUDE_M:
        return ""
    top = _("Highest point: %(altitude)s") % {"altitude": altitude(facts.max_altitude_m)}
    if facts.highest_place:
        top += f" ({facts.highest_place.name})"
    return (
        top
        + ". "
        + _(
            "Spend two or three days in Cusco (3,400 m) or the Sacred Valley before the trek, "
            "walk slowly, drink plenty of water and tell your guide at once about a headache, "
            "nausea or dizziness: the cure for altitude sickness is to go down. Ask your "
            "doctor before you travel if you have a heart or lung condition."
        )
    )


def values_for(trip_message, *, url):
    """Every placeholder's value (call it with the traveller's language active)."""
    booking = trip_message.booking
    trek, departure, operator = booking.trek, booking.departure, details.current()
    unknown = _("to be confirmed")
    values = replies.values_for(
        booking.inquiry, staff=booking.created_by, language=translation.get_language()
    )
    change = trip_message.change
    links_ = review_links()
    values.update(
        {
            # The booking's own facts win over the request's: staff may have changed them.
            "name": booking.name,
            "trek": trek.name,
            "date": _day(booking.start_date),
            "people": str(booking.travellers),
            "staff": values["staff"] or operator.name,
            "start_date": _day(booking.start_date),
            "end_date": _day(booking.end_date),
            "meeting_place": trek.meeting_place or unknown,
            "pickup_time": f"{trek.pickup_time:%H:%M}" if trek.pickup_time else unknown,
            "packing_list": "\n".join(f"- {item}" for item in trek.packing_items) or unknown,
            "altitude": altitude_advice(trek),
            "guide": (departure.guide_name if departure else "") or unknown,
            "guide_phone": (departure.guide_phone if departure else "") or unknown,
            "operator": operator.name,
            "operator_phone": operator.phone,
            "whatsapp": operator.whatsapp_number,
            "booking_link": url,
            "balance": f"{booking.balance:,.2f} {booking.currency}",
            "balance_due_date": _day(booking.balance_due_date),
            "old_date": _day(change.old_start_date) if change else "",
            "new_date": _day(change.new_start_date) if change else "",
            "review_links": "\n".join(
                f"{label}: {link}"
                for label, link in (
                    ("Tripadvisor", links_["tripadvisor"]),
                    ("Google", links_["google"]),
                )
                if link
            ),
        }
    )
    return values


def email(trip_message):
    """The message as an e-mail in the traveller's language. Raises NoText."""
    booking = trip_message.booking
    language = booking.language or settings.LANGUAGE_CODE
    with translation.override(language):
        template = template_for(trip_message.kind, language)
        url = booking_url(booking)
        values = values_for(trip_message, url=url)
        subject = replies.fill(template.subject, values)
        body = replies.fill(template.body, values)
        operator = details.current()
        context = {"body": body, "operator": operator, "url": url, "language": language}
        message = EmailMultiAlternatives(
            subject=subject,
            body=render_to_string("trip_messages/email/message.txt", context),
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[booking.email],
            reply_to=settings.INQUIRY_NOTIFY_EMAILS[:1],
        )
        message.attach_alternative(
            render_to_string("trip_messages/email/message.html", context), "text/html"
        )
        if trip_message.kind in (Kind.CONFIRMATION, Kind.DEPARTURE_MOVED):
            message.attach(
                calendar.FILENAME,
                calendar.trip_calendar(
                    booking=booking,
                    trek=booking.trek,
                    operator=operator,
                    url=url,
                    # A moved trip replaces the event already in the traveller's calendar.
                    sequence=booking.trip_messages.filter(kind=Kind.DEPARTURE_MOVED).count(),
                ),
                calendar.MIMETYPE,
            )
    return message, language
