"""The two e-mails each request gets: one to sales staff, one confirmation to the traveller.

`queue_for()` writes both into the outbox in the transaction that stores (or un-spams) the
request; `manage.py send_outbox` sends them. The confirmation is decided here: withheld when
the address cannot take mail or already had its confirmations for the day.
"""

import logging
import re
import unicodedata

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from operator_site import details
from outbox import mail as outbox
from outbox.models import Kind

from .models import ConfirmationCount, Inquiry
from .validators import mail_address

logger = logging.getLogger(__name__)


def queue_for(inquiry):
    """Queue the staff notification and, unless withheld, the traveller's confirmation.
    Call it inside the transaction of the change that makes them due."""
    # Staff read the site's language; the traveller the language of the page they wrote from.
    with translation.override(settings.LANGUAGE_CODE):
        outbox.queue_email(
            staff_message(inquiry),
            kind=Kind.STAFF_NOTIFICATION,
            language=settings.LANGUAGE_CODE,
            inquiry=inquiry,
        )
    withheld = ""
    counted = confirmation_address(inquiry.email)
    if counted is None:
        withheld = Inquiry.ConfirmationWithheld.UNUSABLE_ADDRESS
    elif not take_confirmation_slot(counted):
        withheld = Inquiry.ConfirmationWithheld.DAILY_LIMIT
    if withheld:
        logger.warning("confirmation for inquiry %s withheld: %s", inquiry.pk, withheld)
        Inquiry.objects.filter(pk=inquiry.pk).update(confirmation_withheld=withheld)
        inquiry.confirmation_withheld = withheld
        return
    language = inquiry.language or settings.LANGUAGE_CODE
    with translation.override(language):
        outbox.queue_email(
            confirmation_message(inquiry),
            kind=Kind.CONFIRMATION,
            language=language,
            inquiry=inquiry,
        )


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


def staff_message(inquiry):
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
    )
    message.attach_alternative(render_to_string("inquiries/email/staff.html", context), "text/html")
    return message


def confirmation_message(inquiry):
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
    )
    message.attach_alternative(
        render_to_string("inquiries/email/confirmation.html", context), "text/html"
    )
    return message
