"""Queue an e-mail, and send what is due: the whole outbox in one place.

`queue()` writes the row; call it inside the transaction of what causes the message, so that
both are committed or neither is. `send_due()` is what `manage.py send_outbox` runs, every
minute, possibly on several servers at once: each row is claimed with one conditional UPDATE
(atomic on SQLite and PostgreSQL alike) before it is sent, so no two senders send it twice.
"""

import datetime
import logging
import uuid

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from . import signals
from .models import Message

logger = logging.getLogger(__name__)

# Long enough for one message to time out (EMAIL_TIMEOUT) several times over before another
# sender may take the row of a sender that died.
CLAIM_SECONDS = max(300, 4 * settings.EMAIL_TIMEOUT)


def queue(
    *,
    kind,
    to,
    subject,
    body,
    html="",
    reply_to=(),
    from_email=None,
    language="",
    inquiry=None,
    booking=None,
    not_before=None,
    send_by=None,
    attachments=(),
):
    """Store one e-mail for sending; returns the row. Nothing is sent here.

    `attachments`: (filename, text content, mimetype) triples, such as a calendar file."""
    return Message.objects.create(
        kind=kind,
        to=list(to),
        reply_to=list(reply_to),
        from_email=from_email or settings.DEFAULT_FROM_EMAIL,
        # Belt and braces: every caller builds a one-line subject already.
        subject=" ".join(subject.split())[:300],
        body=body,
        html=html,
        language=language,
        inquiry=inquiry,
        booking=booking,
        not_before=not_before or timezone.now(),
        send_by=send_by,
        attachments=[
            {"filename": name, "content": content, "mimetype": mimetype}
            for name, content, mimetype in attachments
        ],
    )


def queue_email(
    email, *, kind, language="", inquiry=None, booking=None, not_before=None, send_by=None
):
    """Store a built EmailMessage (its text, HTML part, addresses, text attachments) for
    sending."""
    html = next(
        (content for content, mime in getattr(email, "alternatives", []) if mime == "text/html"), ""
    )
    return queue(
        kind=kind,
        to=email.to,
        subject=email.subject,
        body=email.body,
        html=html,
        reply_to=email.reply_to,
        from_email=email.from_email,
        language=language,
        inquiry=inquiry,
        booking=booking,
        not_before=not_before,
        send_by=send_by,
        # Django keeps (filename, content, mimetype) for what was attached by name.
        attachments=[tuple(a) for a in email.attachments],
    )


def backoff(attempts):
    """The pause after the `attempts`-th failure: 1, 2, 4... minutes, at most OUTBOX_MAX_PAUSE."""
    minutes = min(2 ** max(attempts - 1, 0), settings.OUTBOX_MAX_PAUSE_MINUTES)
    return datetime.timedelta(minutes=minutes)


def claim(pk, *, now=None):
    """Take the row for sending: its token, or None when someone else holds it (or it is not
    due any more)."""
    now = now or timezone.now()
    token = uuid.uuid4()
    taken = (
        Message.objects.due(now)
        .filter(pk=pk)
        .update(
            claim=token,
            claimed_until=now + datetime.timedelta(seconds=CLAIM_SECONDS),
            attempts=F("attempts") + 1,
        )
    )
    return token if taken else None


def email_of(message, *, connection=None):
    email = EmailMultiAlternatives(
        subject=message.subject,
        body=message.body,
        from_email=message.from_email,
        to=message.to,
        reply_to=message.reply_to,
        connection=connection,
    )
    if message.html:
        email.attach_alternative(message.html, "text/html")
    for attachment in message.attachments:
        email.attach(attachment["filename"], attachment["content"], attachment["mimetype"])
    return email


SENT, FAILED, SKIPPED, EXPIRED = "sent", "failed", "skipped", "expired"


def send_one(pk, *, connection):
    """Claim, send and record one message: SENT, FAILED, EXPIRED (its moment passed), or
    SKIPPED (held by another)."""
    token = claim(pk)
    if token is None:
        return SKIPPED
    message = Message.objects.get(pk=pk)
    if message.send_by is not None and timezone.now() > message.send_by:
        with transaction.atomic():
            if Message.objects.filter(pk=pk, claim=token).update(
                status=Message.Status.EXPIRED, claim=None, claimed_until=None
            ):
                message.refresh_from_db()
                signals.expired.send(sender=Message, message=message)
        logger.info("e-mail %s (%s) not sent: too late", pk, _about(message))
        return EXPIRED
    try:
        if not message.to:
            raise ValueError("no recipient")
        email_of(message, connection=connection).send()
    except Exception as error:  # SMTP down, timeout, refused address...
        logger.warning("e-mail %s (%s) failed: %s", pk, _about(message), error)
        _record_failure(message, token, f"{type(error).__name__}: {error}"[:500])
        return FAILED
    with transaction.atomic():
        recorded = Message.objects.filter(pk=pk, claim=token).update(
            status=Message.Status.SENT,
            sent_at=timezone.now(),
            last_error="",
            claim=None,
            claimed_until=None,
        )
        if recorded:
            message.refresh_from_db()
            signals.delivered.send(sender=Message, message=message)
    logger.info("e-mail %s (%s) sent", pk, _about(message))
    return SENT


def _about(message):
    """For the logs: the kind and the request's id, never an address (logs hold no personal
    data beyond ids)."""
    return f"{message.kind}, inquiry {message.inquiry_id}" if message.inquiry_id else message.kind


def _record_failure(message, token, error):
    final = message.attempts >= settings.OUTBOX_MAX_ATTEMPTS
    changes = {"last_error": error, "claim": None, "claimed_until": None}
    if final:
        changes["status"] = Message.Status.FAILED
    else:
        changes["not_before"] = timezone.now() + backoff(message.attempts)
    with transaction.atomic():
        if Message.objects.filter(pk=message.pk, claim=token).update(**changes):
            message.refresh_from_db()
            # History hears of the first failure (the e-mail is late) and of giving up; the
            # retries in between are in the outbox's admin.
            if message.attempts == 1 or final:
                signals.failed.send(sender=Message, message=message, error=error, final=final)


def send_due(*, limit=200):
    """Send every due message (oldest first, at most `limit`); returns the outcomes.

    First the apps that schedule messages (trip_messages) queue what has come due, through
    the `sending` signal: so this command stays the only scheduler, and a message written
    now carries today's facts (the guide named last week, the text staff edited)."""
    for receiver, error in signals.sending.send_robust(sender=Message):
        if isinstance(error, Exception):
            # One app's failure must not stop the mail of all the others; it retries next run.
            logger.error("queueing scheduled messages failed (%s)", receiver, exc_info=error)
    pks = list(
        Message.objects.due().order_by("not_before", "id").values_list("pk", flat=True)[:limit]
    )
    outcomes = {SENT: 0, FAILED: 0, SKIPPED: 0, EXPIRED: 0}
    connection = None
    for pk in pks:
        if connection is None:
            connection = _open()
        outcome = send_one(pk, connection=connection)
        outcomes[outcome] += 1
        if outcome == FAILED:
            _close(connection)
            connection = None  # a broken connection is not reused
    if connection is not None:
        _close(connection)
    return outcomes


def _open():
    """One connection for the whole run, not one per message."""
    connection = get_connection()
    try:
        connection.open()
    except Exception as error:
        # The mail server is down: each send reports it again, on its message's row.
        logger.warning("opening the mail connection failed: %s", error)
    return connection


def _close(connection):
    try:
        connection.close()
    except Exception:
        logger.warning("closing the mail connection failed", exc_info=True)


def retry(messages):
    """Staff's retry (admin): the given-up and waiting ones go out on the next run, with a
    fresh count of attempts. Returns how many."""
    return messages.filter(status__in=[Message.Status.FAILED, Message.Status.QUEUED]).update(
        status=Message.Status.QUEUED, attempts=0, not_before=timezone.now()
    )


def cancel(messages):
    """Messages not sent yet that are no longer wanted (a review request unticked)."""
    return messages.filter(status=Message.Status.QUEUED).update(status=Message.Status.CANCELLED)
