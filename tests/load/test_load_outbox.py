"""send_outbox on several servers at once: two real processes run the command at the same
instant over one outbox, against a real SMTP server that is slow enough for them to overlap.
Every message is delivered exactly once, both processes sent some, and their deliveries
overlapped in time (so the claim, not luck, kept them apart). On SQLite and on PostgreSQL; and
the traveller messages a booking plans, queued and sent by the same two processes, once each."""

import pytest

from tests.load.harness import Site, race
from tests.mailserver import SMTPServer
from tests.services import postgres_url, require

MESSAGES = 30

SETUP = f"""
from outbox import mail
for n in range({MESSAGES}):
    mail.queue(kind="reply", to=[f"traveller{{n}}@example.com"], subject=f"Message {{n}}", body="x")
"""

# The command itself, started by each process once all are ready.
RACER = """
import pathlib, time
from django.core.management import call_command
print("READY", flush=True)
go = pathlib.Path({go!r})
while not go.exists():
    time.sleep(0.002)
call_command("send_outbox")
"""


def _race(site, tmp_path, port):
    site.manage("shell", "-v", "0", "-c", SETUP)
    go = tmp_path / "go"
    env = {
        **site.env,
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(port),
    }
    outputs = race([RACER.format(go=str(go))] * 2, env=env, go=go)
    return outputs


def _check(site, outputs, received):
    subjects = sorted(r.subject for r in received)
    assert subjects == sorted(f"Message {n}" for n in range(MESSAGES)), outputs  # once each
    sent = [int(out.split("sent ", 1)[1].split(",", 1)[0]) for out in outputs]
    assert sum(sent) == MESSAGES and all(sent), outputs  # both processes sent some
    assert site.scalar("SELECT count(*) FROM outbox_message WHERE status = 'sent'") == MESSAGES
    # Each process sends over one SMTP connection: the two connections' deliveries overlap.
    times = {}
    for r in received:
        times.setdefault(r.peer, []).append(r.at)
    assert len(times) == 2, times.keys()
    first, second = (sorted(t) for t in times.values())
    assert first[0] < second[-1] and second[0] < first[-1], "the two runs did not overlap"
    return sent


@pytest.fixture
def empty_static(tmp_path):
    path = tmp_path / "static-none"
    path.mkdir()
    return path


def _run(tmp_path, empty_static, report, name, **site_kwargs):
    site = Site.create(tmp_path / "site", empty_static, **site_kwargs)
    try:
        # 50 ms per message: a slow mail server, so that both runs are sending at once.
        with SMTPServer(delay=0.05) as server:
            outputs = _race(site, tmp_path, server.port)
            sent = _check(site, outputs, server.received)
    finally:
        site.destroy()
    report(f"{name}: send_outbox twice at once, {MESSAGES} e-mails sent once each ({sent})")


def test_two_send_outbox_processes_never_send_a_message_twice_on_sqlite(
    tmp_path, empty_static, report
):
    _run(tmp_path, empty_static, report, "sqlite")


@pytest.mark.postgres
def test_two_send_outbox_processes_never_send_a_message_twice_on_postgres(
    tmp_path, empty_static, report
):
    require("postgres")
    _run(tmp_path, empty_static, report, "postgres", postgres_url=postgres_url())


# The traveller messages (trip_messages) are planned per booking and queued by send_outbox when
# due: 12 bookings of a departure two days ahead each have a confirmation, a balance reminder
# and the pre-trip information due at once.
BOOKINGS = 12
TRIP_SETUP = f"""
import datetime
from django.utils import timezone
from tests.factories import make_booking, make_departure, make_inquiry, make_trek, make_walk
trek = make_walk(make_trek(name="Race trek", slug="race-trek"), 3)
departure = make_departure(
    trek, start_date=timezone.localdate() + datetime.timedelta(days=2), seats=30
)
for n in range({BOOKINGS}):
    inquiry = make_inquiry(trek=trek, email=f"racer{{n}}@example.com", group_size=1)
    make_booking(departure, travellers=1, inquiry=inquiry)
"""


@pytest.mark.postgres
def test_two_send_outbox_processes_send_each_traveller_message_once_on_postgres(
    tmp_path, empty_static, report
):
    require("postgres")
    site = Site.create(tmp_path / "site", empty_static, postgres_url=postgres_url())
    try:
        site.manage("shell", "-v", "0", "-c", TRIP_SETUP)
        planned = site.scalar(
            "SELECT count(*) FROM trip_messages_tripmessage WHERE due_at <= now()"
        )
        assert planned >= 3 * BOOKINGS  # confirmation, reminder, pre-trip for each
        with SMTPServer(delay=0.05) as server:
            go = tmp_path / "go"
            env = {
                **site.env,
                "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                "EMAIL_HOST": "127.0.0.1",
                "EMAIL_PORT": str(server.port),
            }
            race([RACER.format(go=str(go))] * 2, env=env, go=go)
            received = server.received
        queued = site.scalar(
            "SELECT count(*) FROM trip_messages_tripmessage WHERE status = 'queued'"
        )
        assert queued == planned  # each taken once, by one of the two
        pairs = [(tuple(r.rcpt_tos), r.subject) for r in received]
        assert len(pairs) == planned and len(set(pairs)) == planned  # each e-mail sent once
        # Both processes delivered, over their own SMTP connections, at the same time.
        times = {}
        for r in received:
            times.setdefault(r.peer, []).append(r.at)
        assert len(times) == 2, times.keys()
        first, second = (sorted(t) for t in times.values())
        assert first[0] < second[-1] and second[0] < first[-1], "the two runs did not overlap"
    finally:
        site.destroy()
    report(f"two send_outbox at once: {planned} traveller messages, each e-mailed once")
