"""Replies to a traveller: templates filled in, and the e-mail saved first and sent after
commit, with the claim-and-retry pattern of the request e-mails (inquiries/notifications.py)."""

import datetime
import logging
import re

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from inquiries.models import Inquiry
from inquiries.notifications import CLAIM_SECONDS
from inquiries.validators import mail_address

from . import history
from .models import PLACEHOLDERS, EventKind, Reply

logger = logging.getLogger(__name__)

_PLACEHOLDER = re.compile(r"\{(\w*)\}")


def unknown_placeholders(text):
    return sorted({name for name in _PLACEHOLDER.findall(text) if name not in PLACEHOLDERS})


def placeholder_error(unknown):
    return _("Unknown placeholder: %(names)s. Use {name}, {trek}, {date}, {people} or {staff}.") % {
        "names": ", ".join("{" + name + "}" for name in unknown)
    }


def staff_name(user):
    return user.get_full_name() or user.get_username()


def values_for(inquiry, *, staff, language):
    with translation.override(language or settings.LANGUAGE_CODE):
        return {
            "name": inquiry.name,
            "trek": inquiry.trek.name if inquiry.trek_id else _("your trip"),
            "date": date_format(inquiry.travel_date, _("l j F Y")),
            "people": str(inquiry.group_size),
            "staff": staff_name(staff),
        }


def fill(text, values):
    """Put the values in for {name}, {trek}...; anything else in braces stays as it is."""
    return _PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), text)


@transaction.atomic
def send_reply(*, inquiry, author, subject, body, template=None):
    """Store a reply to the traveller and send it once the row is committed. A new request
    moves to "replied"; the history gets the reply's text."""
    now = timezone.now()
    reply_to = mail_address(author.email or "") or ""
    reply = Reply.objects.create(
        inquiry=inquiry,
        author=author,
        template=template,
        subject=" ".join(subject.split()),
        body=body,
        reply_to=reply_to,
    )
    history.record(
        inquiry=inquiry,
        kind=EventKind.REPLY_QUEUED,
        actor=author,
        text=f"{reply.subject}\n\n{reply.body}",
    )
    locked = Inquiry.objects.select_for_update().get(pk=inquiry.pk)
    changes = {"last_message_at": now}
    if locked.first_reply_at is None:
        changes["first_reply_at"] = now
    if locked.status == Inquiry.Status.NEW:
        changes["status"] = Inquiry.Status.REPLIED
        history.record(
            inquiry=inquiry,
            kind=EventKind.STATUS,
            actor=author,
            old=Inquiry.Status.NEW,
            new=Inquiry.Status.REPLIED,
        )
    Inquiry.objects.filter(pk=inquiry.pk).update(**changes)
    transaction.on_commit(lambda: deliver_after_commit(reply.pk))
    return reply


def pending():
    return Reply.objects.filter(sent_at__isnull=True)


def claim(pk, *, max_attempts=None):
    now = timezone.now()
    rows = pending().filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now), pk=pk)
    if max_attempts is not None:
        rows = rows.filter(attempts__lt=max_attempts)
    from django.db.models import F

    return (
        rows.update(
            claimed_until=now + datetime.timedelta(seconds=CLAIM_SECONDS),
            attempts=F("attempts") + 1,
        )
        == 1
    )


SENT, FAILED, SKIPPED = "sent", "failed", "skipped"


def message(reply):
    inquiry = reply.inquiry
    return EmailMessage(
        subject=reply.subject,
        body=reply.body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[mail_address(inquiry.email)],
        # The traveller's answer reaches the member of staff who wrote; without an address of
        # their own, the sales inbox.
        reply_to=[reply.reply_to] if reply.reply_to else settings.INQUIRY_NOTIFY_EMAILS[:1],
    )


def deliver(pk, *, max_attempts=None):
    """Send one stored reply: SENT, FAILED (recorded, retried later) or SKIPPED."""
    if not claim(pk, max_attempts=max_attempts):
        return SKIPPED
    reply = Reply.objects.select_related("inquiry").get(pk=pk)
    try:
        if mail_address(reply.inquiry.email) is None:
            raise ValueError("the traveller's address cannot be used to send mail")
        message(reply).send()
    except Exception as error:  # SMTP down, timeout, refused address...
        text = f"{type(error).__name__}: {error}"[:500]
        logger.exception("reply %s for inquiry %s failed", pk, reply.inquiry_id)
        Reply.objects.filter(pk=pk).update(last_error=text, claimed_until=None)
        history.record(inquiry=reply.inquiry_id, kind=EventKind.REPLY_FAILED, text=text)
        return FAILED
    Reply.objects.filter(pk=pk).update(sent_at=timezone.now(), last_error="", claimed_until=None)
    history.record(inquiry=reply.inquiry_id, kind=EventKind.REPLY_SENT, text=reply.subject)
    logger.info("reply %s for inquiry %s sent", pk, reply.inquiry_id)
    return SENT


def deliver_after_commit(pk):
    try:
        deliver(pk)
    except Exception:
        logger.exception("sending reply %s failed; send_pending_replies will retry", pk)
