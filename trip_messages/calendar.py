"""The calendar file sent with the confirmation (and with a moved departure's message): the
trip's days as an all-day event, and the pick-up as a timed event in Cusco time.

Built with the `icalendar` library rather than by hand: it folds long lines, escapes commas
and semicolons in the travellers' and staff's text, and writes the VTIMEZONE block that
calendar programs need to show 04:30 in Cusco as 04:30 in Cusco (pretix's ical.py does the
same).
"""

import datetime
import zoneinfo
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

FILENAME = "trip.ics"
MIMETYPE = "text/calendar"
PICKUP_MINUTES = 30  # how long the pick-up event lasts in the calendar: a reminder, no promise


def trip_calendar(*, booking, trek, operator, url, sequence=0):
    """The .ics text for `booking` (call it with the traveller's language active)."""
    tz = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    domain = urlsplit(settings.SITE_URL).hostname or "localhost"
    now = timezone.now()
    # Imported here: only send_outbox writes calendars, and web workers stay lighter.
    import icalendar

    calendar = icalendar.Calendar()
    calendar.add("prodid", f"-//{operator.name}//{domain}//")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")

    description = "\n".join(
        line
        for line in (
            _("Meeting place: %(place)s") % {"place": trek.meeting_place}
            if trek.meeting_place
            else "",
            _("Pick-up time: %(time)s (Cusco time)") % {"time": f"{trek.pickup_time:%H:%M}"}
            if trek.pickup_time
            else "",
            _("%(operator)s, phone %(phone)s")
            % {"operator": operator.name, "phone": operator.phone},
            url,
        )
        if line
    )

    trip = icalendar.Event()
    trip.add("uid", f"booking-{booking.pk}-trip@{domain}")
    trip.add("dtstamp", now)
    trip.add("sequence", sequence)
    trip.add("summary", f"{trek.name} ({operator.name})")
    trip.add("dtstart", booking.start_date)
    # DTEND of an all-day event is the day after the last one (RFC 5545, 3.6.1).
    trip.add("dtend", booking.end_date + datetime.timedelta(days=1))
    trip.add("description", description)
    if trek.meeting_place:
        trip.add("location", trek.meeting_place)
    trip.add("url", url)
    calendar.add_component(trip)

    if trek.pickup_time:
        start = datetime.datetime.combine(booking.start_date, trek.pickup_time, tzinfo=tz)
        pickup = icalendar.Event()
        pickup.add("uid", f"booking-{booking.pk}-pickup@{domain}")
        pickup.add("dtstamp", now)
        pickup.add("sequence", sequence)
        pickup.add("summary", _("Pick-up: %(trek)s") % {"trek": trek.name})
        pickup.add("dtstart", start)
        pickup.add("dtend", start + datetime.timedelta(minutes=PICKUP_MINUTES))
        pickup.add("description", description)
        if trek.meeting_place:
            pickup.add("location", trek.meeting_place)
        calendar.add_component(pickup)
        calendar.add_missing_timezones()
    return calendar.to_ical().decode()
