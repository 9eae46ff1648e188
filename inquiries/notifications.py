"""The two e-mails each request gets: one to sales staff, one confirmation to the traveller.

`deliver()` runs after the row is committed (from the request, through on_commit) and again
from `send_pending_notifications` for the rows where it failed. Whoever runs it first claims
the row with one conditional UPDATE, which is atomic on SQLite and PostgreSQL alike, so two
cron runs on two servers, or a cron run racing the request itself, never send twice. Each
e-mail has its own "sent at" field, so a retry sends only what is still missing.
"""

import datetime
import logging
import re
import unicodedata

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from desk import history as desk_history
from operator_site import details

from .models import ConfirmationCount, Inquiry
from .validators import mail_address

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
    errors, delivered = [], []
    connection = get_connection()  # opened by the first send, shared by both e-mails
    # Staff read the site's language; the traveller the language of the page they wrote from.
    # Whatever the request thread (or the retry command) had active does not matter.
    for sent_field, build, who, language in (
        ("staff_notified_at", staff_message, "staff", settings.LANGUAGE_CODE),
        ("confirmation_sent_at", confirmation_message, "traveller", inquiry.language),
    ):
        if getattr(inquiry, sent_field) is not None:
            continue
        counted = None
        if who == "traveller":
            if inquiry.confirmation_withheld:
                continue
            counted = confirmation_address(inquiry.email)
            if counted is None:
                inquiry.confirmation_withheld = Inquiry.ConfirmationWithheld.UNUSABLE_ADDRESS
                logger.warning("confirmation for inquiry %s withheld: unusable address", pk)
                continue
            if not take_confirmation_slot(counted):
                inquiry.confirmation_withheld = Inquiry.ConfirmationWithheld.DAILY_LIMIT
                logger.warning("confirmation for inquiry %s withheld: daily limit", pk)
                continue
        try:
            with translation.override(language or settings.LANGUAGE_CODE):
                build(inquiry, connection=connection).send()
        except Exception as error:  # SMTP down, timeout, refused address...
            errors.append(f"{who}: {type(error).__name__}: {error}")
            logger.exception("%s e-mail for inquiry %s failed", who, pk)
            if counted:
                give_back_confirmation_slot(counted)  # the retry will take it again
        else:
            setattr(inquiry, sent_field, timezone.now())
            logger.info("%s e-mail for inquiry %s sent", who, pk)
            delivered.append(who)
    try:
        connection.close()
    except Exception:
        logger.warning("closing the mail connection failed", exc_info=True)
    Inquiry.objects.filter(pk=pk).update(
        staff_notified_at=inquiry.staff_notified_at,
        confirmation_sent_at=inquiry.confirmation_sent_at,
        confirmation_withheld=inquiry.confirmation_withheld,
        notify_last_error="; ".join(errors)[:500],
        notify_claimed_until=None,
    )
    desk_history.record_deliveries(inquiry=inquiry, delivered=delivered, errors=errors)
    return FAILED if errors else SENT


def deliver_after_commit(pk):
    """For transaction.on_commit in the request: whatever happens, the traveller is not told
    about it; the row is stored and the retry command will find what is unsent."""
    try:
        deliver(pk)
    except Exception:
        logger.exception("sending e-mails for inquiry %s failed; the retry command will", pk)


# --- At most a few confirmations per address and day ------------------------------------------


def confirmation_address(email):
    """The address a confirmation counts against: its ASCII form, lower case, without a
    "+tag" (ana+1@ and ana+2@ reach one mailbox). None when mail cannot be sent to it."""
    address = mail_address(email)
    if address is None:
        return None
    local, _at, domain = address.lower().rpartition("@")
    return f"{local.split('+', 1)[0] or local}@{domain}"


def take_confirmation_slot(address):
    """Count one confirmation to `address` today; False when it already had its share. The
    count is raised with one conditional UPDATE, so concurrent senders cannot overshoot the
    cap; the day's row is made by the first confirmation (one query in the common case)."""
    cap = settings.INQUIRY_CONFIRMATIONS_PER_DAY
    today = ConfirmationCount.objects.filter(address=address, day=timezone.localdate())
    if today.filter(sent__lt=cap).update(sent=F("sent") + 1):
        return True
    try:
        with transaction.atomic():
            ConfirmationCount.objects.create(address=address, day=timezone.localdate(), sent=1)
        return True
    except IntegrityError:
        # The row exists: at the cap, or made by a concurrent sender a moment ago.
        return bool(today.filter(sent__lt=cap).update(sent=F("sent") + 1))


def give_back_confirmation_slot(address):
    ConfirmationCount.objects.filter(address=address, day=timezone.localdate(), sent__gt=0).update(
        sent=F("sent") - 1
    )


# --- The messages -------------------------------------------------------------------------------

# What makes a name a message: a link, a domain, an address, a number to call.
_LINK_LIKE = re.compile(r"@|/|\\|www|[^\W_]\.[^\W_]{2,}|\d", re.IGNORECASE)
_DOTS = str.maketrans({"\u3002": ".", "\uff0e": ".", "\uff61": "."})


def greeting_name(name):
    """The name to greet the traveller with, or "" for a neutral greeting. The confirmation
    goes to whatever address was typed: a "name" such as "Claim refund at evil.example/r" must
    not be relayed to a stranger from the operator's address."""
    plain = unicodedata.normalize("NFKC", name).translate(_DOTS)
    return "" if _LINK_LIKE.search(plain) else name


def _context(inquiry):
    ascii_email = mail_address(inquiry.email)
    return {
        "inquiry": inquiry,
        "operator": details.current(),
        "admin_url": settings.SITE_URL + inquiry.get_admin_url(),
        "trek_url": settings.SITE_URL + inquiry.trek.get_absolute_url() if inquiry.trek else "",
        # The form the mail goes to, when it differs from what is shown (an IDN domain).
        "email_ascii": ascii_email if ascii_email != inquiry.email else "",
        "email_unusable": ascii_email is None,
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
    reply_to = mail_address(inquiry.email)
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string("inquiries/email/staff.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=settings.INQUIRY_NOTIFY_EMAILS,
        # Staff press Reply and write to the traveller; the traveller is never the sender,
        # which would fail SPF/DMARC and let anyone send mail "from" any address. An address
        # that cannot be a header (stored before the form checked it) must not stop the
        # notification: it goes without Reply-To, and the body says so.
        reply_to=[reply_to] if reply_to else [],
        connection=connection,
    )
    message.attach_alternative(render_to_string("inquiries/email/staff.html", context), "text/html")
    return message


def confirmation_message(inquiry, *, connection=None):
    context = {**_context(inquiry), "greeting_name": greeting_name(inquiry.name)}
    # Fixed text: nothing the traveller typed goes into the subject.
    subject = _subject(
        _("Your request to %(operator)s: %(about)s")
        % {
            "operator": details.current().name,
            "about": inquiry.trek.name if inquiry.trek else _("general request"),
        }
    )
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string("inquiries/email/confirmation.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[mail_address(inquiry.email)],
        reply_to=settings.INQUIRY_NOTIFY_EMAILS[:1],
        connection=connection,
    )
    message.attach_alternative(
        render_to_string("inquiries/email/confirmation.html", context), "text/html"
    )
    return message
