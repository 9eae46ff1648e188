"""The e-mail that asks a traveller for a review, once, after the trip, in their language.

Queued in the outbox when staff save the review request, with "not before" the day after the
trip (in Cusco), so `send_outbox` alone sends it when its day comes. A change of the trip's end
moves it; unticking "ask for a review" cancels it.
"""

import datetime
import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from inquiries.models import Inquiry
from inquiries.notifications import greeting_name
from inquiries.validators import mail_address
from operator_site import details
from outbox import mail as outbox
from outbox.models import Kind, Message

from .models import ReviewRequest

logger = logging.getLogger(__name__)


def review_links():
    operator = details.current()
    return {"tripadvisor": operator.tripadvisor_url, "google": operator.google_reviews_url}


def send_from(day):
    """The start of the day after `day` in Cusco: the trip is over then."""
    after = datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time())
    return timezone.make_aware(after, timezone.get_default_timezone())


def withheld_reason(request, inquiry):
    if not request.send:
        return ""  # staff said no: nothing to explain
    if inquiry.status != Inquiry.Status.WON:
        return "the request is not won"
    if mail_address(inquiry.email) is None:
        return "unusable address"
    links = review_links()
    if not (links["tripadvisor"] or links["google"]):
        return "no review link set (Tripadvisor or Google, in the operator's details)"
    # Once per traveller: one who travelled twice (two won requests) is asked once, and one
    # whose booking's own review request (trip_messages) went already is not asked again.
    other = Message.objects.filter(
        kind=Kind.REVIEW_REQUEST,
        inquiry__email__iexact=inquiry.email,
        status__in=[Message.Status.QUEUED, Message.Status.SENT],
    ).exclude(pk=request.message_id)
    if other.exists():
        return "already asked after another trip"
    return None


@transaction.atomic
def schedule(request):
    """Save `request` and (re)queue its e-mail for the day after the trip, or cancel it."""
    request.save()
    if request.message_id:
        outbox.cancel(Message.objects.filter(pk=request.message_id))
    inquiry = Inquiry.objects.select_related("trek").get(pk=request.inquiry_id)
    reason = withheld_reason(request, inquiry)
    message = None
    if reason is None:
        language = inquiry.language or settings.LANGUAGE_CODE
        with translation.override(language):
            message = outbox.queue_email(
                email(inquiry, to=mail_address(inquiry.email)),
                kind=Kind.REVIEW_REQUEST,
                language=language,
                inquiry=inquiry,
                not_before=send_from(request.trip_ended_on),
            )
    ReviewRequest.objects.filter(pk=request.pk).update(message=message, withheld=reason or "")
    request.message, request.withheld = message, reason or ""
    return request


def email(inquiry, *, to):
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
