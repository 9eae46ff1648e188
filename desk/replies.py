"""Replies to a traveller: templates filled in, and the e-mail queued in the outbox in the
transaction that stores the reply (sent by send_outbox)."""

import logging
import re

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from inquiries.models import Inquiry
from inquiries.validators import mail_address
from outbox import mail as outbox
from outbox.models import Kind

from . import history
from .models import PLACEHOLDERS, EventKind, Reply

logger = logging.getLogger(__name__)

_PLACEHOLDER = re.compile(r"\{(\w*)\}")


def unknown_placeholders(text, known=PLACEHOLDERS):
    """The {names} in `text` that are not in `known` (the desk's, or a wider set such as the
    traveller messages' in trip_messages)."""
    return sorted({name for name in _PLACEHOLDER.findall(text) if name not in known})


def placeholder_error(unknown, known=PLACEHOLDERS):
    names = ", ".join("{" + name + "}" for name in unknown)
    if tuple(known) == PLACEHOLDERS:
        return _(
            "Unknown placeholder: %(names)s. Use {name}, {trek}, {date}, {people} or {staff}."
        ) % {"names": names}
    return _("Unknown placeholder: %(names)s. The placeholders are: %(known)s.") % {
        "names": names,
        "known": ", ".join("{" + name + "}" for name in known),
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
            # No one when the site writes by itself (trip_messages puts the operator's name).
            "staff": staff_name(staff) if staff is not None else "",
        }


def fill(text, values):
    """Put the values in for {name}, {trek}...; anything else in braces stays as it is."""
    return _PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), text)


@transaction.atomic
def send_reply(*, inquiry, author, subject, body, template=None):
    """Store a reply to the traveller and queue its e-mail. A new request moves to "replied";
    the history gets the reply's text."""
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
    reply.message = outbox.queue_email(
        message(reply), kind=Kind.REPLY, language=inquiry.language, inquiry=inquiry
    )
    reply.save(update_fields=["message"])
    return reply


def message(reply):
    address = mail_address(reply.inquiry.email)  # None: the reply form refuses to write
    return EmailMessage(
        subject=reply.subject,
        body=reply.body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[address] if address else [],
        # The traveller's answer reaches the member of staff who wrote; without an address of
        # their own, the sales inbox.
        reply_to=[reply.reply_to] if reply.reply_to else settings.INQUIRY_NOTIFY_EMAILS[:1],
    )
