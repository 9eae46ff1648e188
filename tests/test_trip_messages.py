"""The messages that keep a traveller informed (issue 25), on a simulated calendar: bookings
made 60, 10 and 2 days before the start, `send_outbox` run every morning until after the
trip; which message goes on which day, in which language, never twice; late ones skipped and
recorded; a departure moved or cancelled by staff told once per change; the calendar file."""

import datetime
import email as email_lib
import threading
import time

import icalendar
import pytest
import time_machine
from django.core import mail
from django.db import connections
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from bookings.models import Booking
from desk.models import EventKind, InquiryEvent
from operator_site.models import ToConfirm
from outbox.models import Message
from reviews import requests as review_requests
from reviews.models import ReviewRequest
from tests.factories import (
    make_booking,
    make_departure,
    make_inquiry,
    make_trek,
    make_walk,
    send_outbox,
    set_operator,
)
from treks.models import Departure
from trip_messages import schedule
from trip_messages.models import DepartureChange, Kind, MessageTemplate, TripMessage

pytestmark = pytest.mark.django_db

CUSCO = timezone.get_default_timezone()
START = datetime.date(2027, 6, 20)  # a Sunday in the dry season
TREK_DAYS = 4


def cusco(day, hour=9, minute=30):
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=CUSCO)


@pytest.fixture
def trek():
    trek = make_walk(make_trek(name="Lares Test Trek"), TREK_DAYS, start_altitude=3600, step=200)
    trek.meeting_place = "The door of your hotel in Cusco"
    trek.meeting_place_es = "La puerta de tu hotel en Cusco"
    trek.pickup_time = datetime.time(4, 30)
    trek.packing_list = "Rain jacket\nSun hat"
    trek.packing_list_es = "Casaca para la lluvia\nSombrero para el sol"
    trek.save()
    set_operator(
        phone="+51 984 000111",
        whatsapp="+51 984 000222",
        tripadvisor_url="https://www.tripadvisor.com/example",
    )
    return trek


@pytest.fixture
def departure(trek):
    with time_machine.travel(cusco(START - datetime.timedelta(days=90)), tick=False):
        return make_departure(
            trek, start_date=START, guide_name="Rosa Huamán", guide_phone="+51 984 555666"
        )


def book(departure, *, days_before, language, email=None, **booking):
    made = cusco(START - datetime.timedelta(days=days_before), hour=10, minute=0)
    with time_machine.travel(made, tick=False):
        inquiry = make_inquiry(
            trek=departure.trek,
            departure=departure,
            language=language,
            email=email or f"t{days_before}@example.com",
        )
        return make_booking(departure, inquiry=inquiry, **booking)


def run_every_morning(first_day, last_day):
    """send_outbox at 09:30 in Cusco each day, as cron runs it (every minute: once a day is
    enough here, the messages are due at 09:00 or at once)."""
    day = first_day
    while day <= last_day:
        with time_machine.travel(cusco(day), tick=False):
            send_outbox()
        day += datetime.timedelta(days=1)


def sent_days(booking):
    """{kind: [day sent, relative to the start]} of the booking's e-mails."""
    found = {}
    for message in Message.objects.filter(booking=booking, status=Message.Status.SENT):
        day = timezone.localtime(message.sent_at).date()
        found.setdefault(message.kind, []).append((day - START).days)
    return found


def test_simulated_calendar_sends_each_message_once_on_its_day_in_the_travellers_language(
    departure,
):
    # Every day from 60 days before the start to 8 after: send_outbox at 09:30 in Cusco, and
    # on a booking's day the booking at 10:00 and send_outbox again a few minutes later.
    plans = {60: "en", 10: "es", 2: "es"}
    bookings = {}
    day = START - datetime.timedelta(days=60)
    while day <= START + datetime.timedelta(days=8):
        run_every_morning(day, day)
        days_before = (START - day).days
        if days_before in plans:
            bookings[days_before] = book(
                departure, days_before=days_before, language=plans[days_before]
            )
            with time_machine.travel(cusco(day, hour=10, minute=5), tick=False):
                send_outbox()
        day += datetime.timedelta(days=1)
    early, ten, late = bookings[60], bookings[10], bookings[2]

    end = TREK_DAYS - 1
    assert sent_days(early) == {
        "booking_confirmation": [-60],
        "balance_reminder": [-8],  # 7 days before the balance's day (the day before the start)
        "pre_trip": [-7],
        "review_request": [end + 1],
    }
    assert sent_days(ten) == {
        "booking_confirmation": [-10],
        "balance_reminder": [-8],
        "pre_trip": [-7],
        # Once per traveller: a second booking's traveller (another address) is asked too.
        "review_request": [end + 1],
    }
    # Booked after both moments: the reminder and the pre-trip information at once.
    assert sent_days(late) == {
        "booking_confirmation": [-2],
        "balance_reminder": [-2],
        "pre_trip": [-2],
        "review_request": [end + 1],
    }
    assert len(mail.outbox) == 12  # never twice
    by_subject = {m.to[0]: [] for m in mail.outbox}
    for m in mail.outbox:
        by_subject[m.to[0]].append(m.subject)
    assert (
        "Your booking is confirmed: Lares Test Trek, Sunday 20 June 2027" in by_subject[early.email]
    )
    assert (
        "Su reserva está confirmada: Lares Test Trek, domingo 20 de junio de 2027"
        in by_subject[ten.email]
    )
    pre_trip_es = next(m for m in mail.outbox if m.to == [late.email] and "empieza" in m.subject)
    assert "La puerta de tu hotel en Cusco" in pre_trip_es.body
    assert "04:30" in pre_trip_es.body
    assert "Rosa Huamán, teléfono +51 984 555666" in pre_trip_es.body
    assert "- Casaca para la lluvia\n- Sombrero para el sol" in pre_trip_es.body
    assert "el mal de altura" in pre_trip_es.body  # the trek page's altitude advice, in Spanish
    assert "+51 984 000222" in pre_trip_es.body  # the operator's WhatsApp
    html = pre_trip_es.alternatives[0][0]
    assert '<html lang="es">' in html and "Abrir su reserva" in html
    assert TripMessage.objects.filter(status=TripMessage.Status.QUEUED).count() == 12


def test_a_message_whose_moment_passed_is_skipped_and_recorded_in_the_history(departure):
    booking = book(departure, days_before=10, language="en")
    # send_outbox does not run again until the morning of the start (a server down a week).
    with time_machine.travel(cusco(START, hour=10), tick=False):
        send_outbox()
    assert mail.outbox == []
    rows = {row.kind: row for row in booking.trip_messages.all()}
    assert rows[Kind.PRE_TRIP].status == TripMessage.Status.SKIPPED
    assert rows[Kind.PRE_TRIP].reason == "too late: the trip had started"
    assert rows[Kind.CONFIRMATION].reason == "too late: its moment had passed by more than 24 hours"
    assert rows[Kind.BALANCE_REMINDER].status == TripMessage.Status.SKIPPED
    assert rows[Kind.REVIEW_REQUEST].status == TripMessage.Status.PLANNED
    skipped = InquiryEvent.objects.filter(
        inquiry=booking.inquiry, kind=EventKind.MESSAGE_SKIPPED
    ).values_list("text", flat=True)
    assert "Pre-trip information: too late: the trip had started" in skipped
    assert len(skipped) == 3


def test_a_written_message_its_sender_reaches_too_late_is_not_sent(departure):
    booking = book(departure, days_before=10, language="en")
    # Written and queued on its morning; then the mail server is down until after the start.
    with time_machine.travel(cusco(START - datetime.timedelta(days=7)), tick=False):
        assert schedule.queue_due()["taken"] == 1
    with time_machine.travel(cusco(START, hour=10), tick=False):
        assert "too late 1" in send_outbox()
    message = Message.objects.get(booking=booking, kind="pre_trip")
    assert message.status == Message.Status.EXPIRED and message.sent_at is None
    assert not [m for m in mail.outbox if "what to know" in m.subject]
    assert InquiryEvent.objects.filter(
        inquiry=booking.inquiry,
        kind=EventKind.MESSAGE_SKIPPED,
        text__startswith="Pre-trip information: too late, not sent",
    ).exists()


def test_the_confirmation_carries_a_calendar_file_in_cusco_time(departure, trek):
    booking = book(departure, days_before=10, language="en")
    with time_machine.travel(booking.created_at + datetime.timedelta(minutes=1), tick=False):
        send_outbox()
    (confirmation,) = [m for m in mail.outbox if "confirmed" in m.subject]
    # As the traveller's mail program receives it: the attachment in the MIME message.
    parsed = email_lib.message_from_bytes(confirmation.message().as_bytes())
    (part,) = [p for p in parsed.walk() if p.get_content_type() == "text/calendar"]
    assert part.get_filename() == "trip.ics"
    calendar = icalendar.Calendar.from_ical(part.get_payload(decode=True))
    events = {str(e["uid"]).split("@")[0]: e for e in calendar.walk("VEVENT")}
    trip = events[f"booking-{booking.pk}-trip"]
    assert trip.decoded("dtstart") == START
    assert trip.decoded("dtend") == START + datetime.timedelta(days=TREK_DAYS)  # exclusive
    pickup = events[f"booking-{booking.pk}-pickup"]
    start = pickup.decoded("dtstart")
    assert (start.hour, start.minute) == (4, 30)
    assert start.utcoffset() == datetime.timedelta(hours=-5)  # Cusco, UTC−5
    assert start.astimezone(datetime.UTC) == datetime.datetime(
        2027, 6, 20, 9, 30, tzinfo=datetime.UTC
    )
    assert str(pickup["location"]) == "The door of your hotel in Cusco"
    assert "+51 984 000111" in str(pickup["description"])  # the operator's phone
    assert calendar.walk("VTIMEZONE")[0]["tzid"] == "America/Lima"
    assert "/bookings/" in str(trip["url"]) or "booking" in str(trip["url"])


def test_staff_switch_one_bookings_message_off(staff_client, departure):
    booking = book(departure, days_before=10, language="en")
    pre_trip = booking.trip_messages.get(kind=Kind.PRE_TRIP)
    response = staff_client.post(
        reverse("admin:trip_messages_tripmessage_changelist"),
        {"action": "switch_off", "_selected_action": [pre_trip.pk]},
    )
    assert response.status_code == 302
    page = staff_client.get(booking.get_admin_url()).text
    assert "Messages to the traveller" in page and "Pre-trip information" in page
    run_every_morning(START - datetime.timedelta(days=9), START - datetime.timedelta(days=1))
    pre_trip.refresh_from_db()
    assert (pre_trip.status, pre_trip.reason) == (
        TripMessage.Status.SKIPPED,
        "switched off by staff",
    )
    assert not Message.objects.filter(booking=booking, kind="pre_trip").exists()
    assert (
        Message.objects.filter(booking=booking, kind="balance_reminder", status="sent").count() == 1
    )


def test_a_review_request_goes_once_per_traveller_whoever_asked(departure):
    booking = book(departure, days_before=10, language="en", email="ana@example.com")
    # Staff had asked after an earlier trip of the same traveller.
    earlier = make_inquiry(email="ANA@example.com", status="won")
    review_requests.schedule(
        ReviewRequest(inquiry=earlier, trip_ended_on=datetime.date(2026, 5, 1))
    )
    run_every_morning(
        START + datetime.timedelta(days=TREK_DAYS), START + datetime.timedelta(days=TREK_DAYS)
    )
    row = booking.trip_messages.get(kind=Kind.REVIEW_REQUEST)
    assert (row.status, row.reason) == (TripMessage.Status.SKIPPED, "already asked for a review")


def test_staff_review_request_after_the_bookings_own_is_withheld(departure):
    # No deposit asked: confirmed at once, so its request is won, as staff's review requests
    # need (a booking awaiting its deposit has not won its request).
    booking = book(departure, days_before=10, language="en", deposit_due=0)
    after = START + datetime.timedelta(days=TREK_DAYS)
    run_every_morning(after, after)
    assert Message.objects.filter(booking=booking, kind="review_request", status="sent").exists()
    with time_machine.travel(cusco(after, hour=12), tick=False):
        staff_request = review_requests.schedule(
            ReviewRequest(inquiry=booking.inquiry, trip_ended_on=after - datetime.timedelta(days=1))
        )
    assert staff_request.message is None
    assert staff_request.withheld == "already asked after another trip"


def _departure_form(departure, **changes):
    data = {
        "trek": departure.trek_id,
        "start_date": departure.start_date.isoformat(),
        "kind": departure.kind,
        "seats": departure.seats,
        "guarantee_min": departure.guarantee_min,
        "price_per_person": str(departure.price_per_person),
        "guide_name": departure.guide_name,
        "guide_phone": departure.guide_phone,
    }
    data.update(changes)
    return data


@pytest.fixture
def soon(trek):
    """A departure 30 days from today, booked twice today (English and Spanish): staff's admin
    session lives in today's time, so these tests do not travel before the change."""
    departure = make_departure(trek, start_date=timezone.localdate() + datetime.timedelta(days=30))
    first = make_booking(departure, inquiry=make_inquiry(trek=trek, language="en"))
    second = make_booking(departure, inquiry=make_inquiry(trek=trek, language="es"))
    send_outbox()  # the two confirmations
    mail.outbox.clear()
    return departure, first, second


def test_a_moved_departure_tells_each_traveller_once_with_a_new_calendar(staff_client, soon):
    departure, first, second = soon
    moved = departure.start_date + datetime.timedelta(days=7)
    url = reverse("admin:treks_departure_change", args=[departure.pk])
    data = _departure_form(departure, start_date=moved.isoformat())
    assert staff_client.post(url, data).status_code == 302
    assert staff_client.post(url, data).status_code == 302  # saved again: no new change
    send_outbox()
    send_outbox()
    assert DepartureChange.objects.count() == 1
    first.refresh_from_db()
    assert (first.start_date, first.end_date) == (
        moved,
        moved + datetime.timedelta(days=TREK_DAYS - 1),
    )
    assert sorted(m.to[0] for m in mail.outbox) == sorted([first.email, second.email])
    spanish = next(m for m in mail.outbox if m.to == [second.email])
    with translation.override("es"):
        old, new = (date_format(d, "l j \\d\\e F \\d\\e Y") for d in (departure.start_date, moved))
    assert f"pasó del {old} al {new}" in spanish.body
    ics = icalendar.Calendar.from_ical(spanish.attachments[0][1])
    trip = next(e for e in ics.walk("VEVENT") if "-trip@" in str(e["uid"]))
    assert trip.decoded("dtstart") == moved
    assert trip.decoded("sequence") == 1  # replaces the confirmation's event
    # The pre-trip information follows the new date.
    pre_trip = first.trip_messages.get(kind=Kind.PRE_TRIP)
    assert timezone.localtime(pre_trip.due_at).date() == moved - datetime.timedelta(days=7)


def test_a_cancelled_departure_tells_each_traveller_once_and_sends_nothing_else(staff_client, soon):
    departure, first, second = soon
    url = reverse("admin:treks_departure_changelist")
    for _ in range(2):  # the action run twice: the second cancels nothing
        response = staff_client.post(url, {"action": "cancel", "_selected_action": [departure.pk]})
        assert response.status_code == 302
    send_outbox()
    assert Departure.objects.get(pk=departure.pk).is_cancelled
    assert sorted(m.to[0] for m in mail.outbox) == sorted([first.email, second.email])
    english = next(m for m in mail.outbox if m.to == [first.email])
    with translation.override("en"):
        old = date_format(departure.start_date, "l j F Y")
    assert f"the departure of Lares Test Trek on {old} is\ncancelled" in english.body or (
        f"the departure of Lares Test Trek on {old} is cancelled" in english.body
    )
    run_every_morning(timezone.localdate(), departure.start_date - datetime.timedelta(days=1))
    pre_trip = first.trip_messages.get(kind=Kind.PRE_TRIP)
    assert pre_trip.reason == "the departure is cancelled"
    assert len(mail.outbox) == 2  # the two cancellations, nothing more


def test_staff_texts_refuse_an_unknown_placeholder(staff_client):
    template = MessageTemplate.objects.get(kind=Kind.PRE_TRIP, language="es")
    url = reverse("admin:trip_messages_messagetemplate_change", args=[template.pk])
    page = staff_client.get(url).text
    assert "{meeting_place}" in page and "{guide_phone}" in page  # the list staff write from
    response = staff_client.post(
        url,
        {"kind": template.kind, "language": "es", "subject": "Hola {nombre}", "body": "{guide}"},
    )
    assert response.status_code == 200
    assert "Unknown placeholder: {nombre}" in response.text
    assert MessageTemplate.objects.get(pk=template.pk).subject == template.subject


def test_default_texts_are_on_the_to_confirm_list_until_staff_approve_them(staff_client):
    templates = MessageTemplate.objects.all()
    assert {(t.kind, t.language) for t in templates} == {
        (kind, language) for kind in Kind.values for language in ("en", "es")
    }
    open_claims = ToConfirm.objects.open().filter(content_type__model="messagetemplate")
    assert open_claims.count() == 12
    for template in templates:  # the operator's facts are placeholders, never written in
        assert "+51" not in template.body and "$" not in template.body
    response = staff_client.post(
        reverse("admin:trip_messages_messagetemplate_changelist"),
        {"action": "approve", "_selected_action": [t.pk for t in templates[:2]]},
    )
    assert response.status_code == 302
    assert open_claims.count() == 10


def test_departure_sheet_shows_the_meeting_place_pickup_guide_and_packing_list(
    staff_client, departure
):
    page = staff_client.get(reverse("admin:bookings_departure_sheet", args=[departure.pk])).text
    for text in (
        "The door of your hotel in Cusco",
        "04:30",
        "Rosa Huamán",
        "+51 984 555666",
        "Sun hat",
    ):
        assert text in page


def test_unknown_facts_read_to_be_confirmed_never_guessed(departure, trek):
    trek.meeting_place = trek.meeting_place_es = ""
    trek.pickup_time = None
    trek.save()
    Departure.objects.filter(pk=departure.pk).update(guide_name="", guide_phone="")
    booking = book(departure, days_before=2, language="en")
    with time_machine.travel(booking.created_at + datetime.timedelta(minutes=1), tick=False):
        send_outbox()
    pre_trip = next(m for m in mail.outbox if "what to know" in m.subject)
    assert "Meeting place: to be confirmed" in pre_trip.body
    assert "Your guide: to be confirmed, phone to be confirmed" in pre_trip.body


# --- Two senders at once --------------------------------------------------------------------


def _run_at_once(count):
    """queue_due() in `count` threads released together; returns (outcomes, intervals)."""
    barrier, outcomes, intervals, errors = threading.Barrier(count), [], [], []

    def run():
        try:
            barrier.wait(timeout=30)
            began = time.monotonic()
            outcomes.append(schedule.queue_due())
            intervals.append((began, time.monotonic()))
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    return outcomes, intervals


@pytest.mark.django_db(transaction=True)
def test_two_senders_at_once_queue_each_message_once(trek):
    # Departures two days ahead: each booking's confirmation, reminder and pre-trip are due.
    start = timezone.localdate() + datetime.timedelta(days=2)
    overlapped = False
    for round_ in range(5):
        departure = make_departure(
            trek, start_date=start + datetime.timedelta(days=round_), seats=30
        )
        for n in range(8):
            make_booking(
                departure,
                travellers=1,
                inquiry=make_inquiry(trek=trek, email=f"r{round_}-{n}@example.com"),
            )
        outcomes, intervals = _run_at_once(2)
        rows = TripMessage.objects.filter(booking__departure=departure, status="queued")
        assert rows.count() == 24
        assert sum(o["taken"] for o in outcomes) == 24  # each taken by exactly one sender
        assert Message.objects.filter(booking__departure=departure).count() == 24
        (a, b), (c, d) = intervals
        overlapped = a < d and c < b
        if overlapped and all(o["taken"] for o in outcomes):
            break
    assert overlapped, "the two senders never ran at the same time"
    send_outbox()
    assert len({(m.to[0], m.subject) for m in mail.outbox}) == len(mail.outbox)
    assert not Booking.objects.filter(trip_messages__isnull=True).exists()
