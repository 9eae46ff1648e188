"""The e-mail that asks a traveller for a review, once, after the trip, in their language.

As inquiries/notifications.py: the row is claimed with one conditional UPDATE (two cron runs on
two servers never both send), a failure is recorded on the row and the next run tries again,
up to a number of attempts.
"""

import datetime
import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from inquiries.models import Inquiry
from inquiries.notifications import greeting_name
from inquiries.validators import mail_address
from operator_site import details

from .models import ReviewRequest

logger = logging.getLogger(__name__)

CLAIM_SECONDS = max(300, 4 * settings.EMAIL_TIMEOUT)
SENT, FAILED, SKIPPED, WITHHELD = "sent", "failed", "skipped", "withheld"


def due(*, today=None, max_attempts):
    """The requests whose e-mail may go now: ticked, unsent, the trip over (in Cusco)."""
    today = today or timezone.localdate()
    return ReviewRequest.objects.filter(
        send=True,
        sent_at__isnull=True,
        withheld="",
        trip_ended_on__lt=today,
        inquiry__status=Inquiry.Status.WON,
        attempts__lt=max_attempts,
    )


def review_links():
    operator = details.current()
    return {"tripadvisor": operator.tripadvisor_url, "google": operator.google_reviews_url}


def claim(pk, *, max_attempts):
    now = timezone.now()
    rows = due(max_attempts=max_attempts).filter(
        Q(claimed_until__isnull=True) | Q(claimed_until__lt=now), pk=pk
    )
    return (
        rows.update(
            claimed_until=now + datetime.timedelta(seconds=CLAIM_SECONDS),
            attempts=F("attempts") + 1,
        )
        == 1
    )


def deliver(pk, *, max_attempts):
    if not claim(pk, max_attempts=max_attempts):
        return SKIPPED
    request = ReviewRequest.objects.select_related("inquiry__trek").get(pk=pk)
    inquiry = request.inquiry
    address = mail_address(inquiry.email)
    rows = ReviewRequest.objects.filter(pk=pk)
    if address is None:
        rows.update(withheld="unusable address", claimed_until=None)
        return WITHHELD
    # Once per traveller: one who travelled twice (two won requests) is asked once.
    already = ReviewRequest.objects.filter(
        sent_at__isnull=False, inquiry__email__iexact=inquiry.email
    ).exclude(pk=pk)
    if already.exists():
        rows.update(withheld="already asked after another trip", claimed_until=None)
        return WITHHELD
    try:
        with translation.override(inquiry.language or settings.LANGUAGE_CODE):
            message(request, to=address).send()
    except Exception as error:  # SMTP down, timeout, refused address...
        logger.exception("review request %s failed", pk)
        rows.update(last_error=f"{type(error).__name__}: {error}"[:500], claimed_until=None)
        return FAILED
    rows.update(sent_at=timezone.now(), last_error="", claimed_until=None)
    logger.info("review request %s sent", pk)
    return SENT


def message(request, *, to):
    inquiry = request.inquiry
    operator = details.current()
    context = {
        "greeting_name": greeting_name(inquiry.name),
        "trek": inquiry.trek,
        "operator": operator,
        "links": review_links(),
    }
    # Fixed text: nothing the traveller typed goes into the subject.
    subject = _("How was your trek with %(operator)s?") % {"operator": operator.name}
    return EmailMessage(
        subject=subject,
        body=render_to_string("reviews/email/review_request.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
        reply_to=settings.INQUIRY_NOTIFY_EMAILS[:1],
    )
