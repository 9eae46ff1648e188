"""The two e-mails each request gets: one to sales staff, one confirmation to the traveller.

`deliver()` runs after the row is committed (from the request, through on_commit) and again
from `send_pending_notifications` for the rows where it failed. Whoever runs it first claims
the row with one conditional UPDATE, which is atomic on SQLite and PostgreSQL alike, so two
cron runs on two servers, or a cron run racing the request itself, never send twice. Each
e-mail has its own "sent at" field, so a retry sends only what is still missing.
"""

import datetime
import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .models import Inquiry

logger = logging.getLogger(__name__)

# Long enough for two e-mails to time out (EMAIL_TIMEOUT each) before another sender may try.
CLAIM_SECONDS = max(300, 4 * settings.EMAIL_TIMEOUT)


def claim(pk, *, max_attempts=None):
    """Take the row for sending; False when someone else holds it or nothing is left to send."""
    now = timezone.now()
    rows = Inquiry.objects.notification_pending().filter(
        Q(notify_claimed_until__isnull=True) | Q(notify_claimed_until__lt=now), pk=pk
    )
    if max_attempts is not None:
        rows = rows.filter(notify_attempts__lt=max_attempts)
    claimed = rows.update(
        notify_claimed_until=now + datetime.timedelta(seconds=CLAIM_SECONDS),
        notify_attempts=F("notify_attempts") + 1,
    )
    return claimed == 1


SENT, FAILED, SKIPPED = "sent", "failed", "skipped"


def deliver(pk, *, max_attempts=None):
    """Send what is still unsent for one request: SENT, FAILED, or SKIPPED when another
    sender holds the row or nothing is left to send."""
    if not claim(pk, max_attempts=max_attempts):
        return SKIPPED
    inquiry = Inquiry.objects.select_related("trek").get(pk=pk)
    errors = []
    connection = get_connection()  # opened by the first send, shared by both e-mails
    # Staff read the site's language; the traveller the language of the page they wrote from.
    # Whatever the request thread (or the retry command) had active does not matter.
    for sent_field, build, who, language in (
        ("staff_notified_at", staff_message, "staff", settings.LANGUAGE_CODE),
        ("confirmation_sent_at", confirmation_message, "traveller", inquiry.language),
    ):
        if getattr(inquiry, sent_field) is not None:
            continue
        try:
            with translation.override(language or settings.LANGUAGE_CODE):
                build(inquiry, connection=connection).send()
        except Exception as error:  # SMTP down, timeout, refused address...
            errors.append(f"{who}: {type(error).__name__}: {error}")
            logger.exception("%s e-mail for inquiry %s failed", who, pk)
        else:
            setattr(inquiry, sent_field, timezone.now())
            logger.info("%s e-mail for inquiry %s sent", who, pk)
    try:
        connection.close()
    except Exception:
        logger.warning("closing the mail connection failed", exc_info=True)
    Inquiry.objects.filter(pk=pk).update(
        staff_notified_at=inquiry.staff_notified_at,
        confirmation_sent_at=inquiry.confirmation_sent_at,
        notify_last_error="; ".join(errors)[:500],
        notify_claimed_until=None,
    )
    return FAILED if errors else SENT


def deliver_after_commit(pk):
    """For transaction.on_commit in the request: whatever happens, the traveller is not told
    about it; the row is stored and the retry command will find what is unsent."""
    try:
        deliver(pk)
    except Exception:
        logger.exception("sending e-mails for inquiry %s failed; the retry command will", pk)


def _context(inquiry):
    return {
        "inquiry": inquiry,
        "operator": settings.OPERATOR,
        "admin_url": settings.SITE_URL + inquiry.get_admin_url(),
        "trek_url": settings.SITE_URL + inquiry.trek.get_absolute_url() if inquiry.trek else "",
    }


def _subject(text):
    # Belt and braces: the form already refuses line breaks in every single-line field.
    return " ".join(text.split())


def staff_message(inquiry, *, connection=None):
    context = _context(inquiry)
    about = inquiry.trek.name if inquiry.trek else _("General request")
    subject = _subject(
        _("New request: %(about)s, %(date)s, %(people)s people, %(name)s")
        % {
            "about": about,
            "date": inquiry.travel_date.isoformat(),
            "people": inquiry.group_size,
            "name": inquiry.name,
        }
    )
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string("inquiries/email/staff.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=settings.INQUIRY_NOTIFY_EMAILS,
        # Staff press Reply and write to the traveller; the traveller is never the sender,
        # which would fail SPF/DMARC and let anyone send mail "from" any address.
        reply_to=[inquiry.email],
        connection=connection,
    )
    message.attach_alternative(render_to_string("inquiries/email/staff.html", context), "text/html")
    return message


def confirmation_message(inquiry, *, connection=None):
    context = _context(inquiry)
    subject = _subject(
        _("We have your request, %(name)s: %(operator)s")
        % {"name": inquiry.name, "operator": settings.OPERATOR["name"]}
    )
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string("inquiries/email/confirmation.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[inquiry.email],
        reply_to=settings.INQUIRY_NOTIFY_EMAILS[:1],
        connection=connection,
    )
    message.attach_alternative(
        render_to_string("inquiries/email/confirmation.html", context), "text/html"
    )
    return message
