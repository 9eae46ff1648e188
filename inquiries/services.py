"""Writes with side effects: storing a request with its e-mails queued in the same transaction."""

import datetime
import logging
import uuid

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from . import notifications
from .models import (
    SOURCE_URL_MAX_LENGTH,
    TRAVELLER_FIELDS,
    USER_AGENT_MAX_LENGTH,
    ConfirmationCount,
    Inquiry,
)

logger = logging.getLogger(__name__)


def submit_inquiry(
    *,
    data,
    trek,
    idempotency_key,
    client_ip=None,
    user_agent="",
    source_url="",
    language=settings.LANGUAGE_CODE,
    spam_reason="",
):
    """Store one request for information and schedule its e-mails; return (inquiry, created).

    A request with a `spam_reason` (Inquiry.SpamReason) is stored the same way, marked, and
    gets no e-mail until staff mark it "not spam" (`mark_not_spam`). Without an
    `idempotency_key` (a missing or forged form token) the request gets a new one.

    `data` is the form's cleaned data. The same `idempotency_key` twice (a double click, a
    browser re-POST) returns the row the first one made and sends nothing again. The e-mails are
    outbox rows of the same transaction, sent by `send_outbox`: a mail server that is down
    never undoes the request. `language` is the page's: the confirmation is written in it.
    """
    # The contact form has no departure to choose.
    fields = {name: data.get(name) for name in TRAVELLER_FIELDS}
    if idempotency_key is None:
        idempotency_key = uuid.uuid4()
    try:
        with transaction.atomic():
            inquiry = Inquiry.objects.create(
                trek=trek,
                idempotency_key=idempotency_key,
                client_ip=client_ip,
                user_agent=(user_agent or "")[:USER_AGENT_MAX_LENGTH],
                source_url=(source_url or "")[:SOURCE_URL_MAX_LENGTH],
                language=language,
                spam_reason=spam_reason,
                **fields,
            )
            if not spam_reason:
                notifications.queue_for(inquiry)
    except IntegrityError:
        existing = Inquiry.objects.filter(idempotency_key=idempotency_key).first()
        if existing is None:
            raise  # a real integrity problem, not a repeat
        if _same_request(existing, trek, fields):
            logger.info("inquiry %s submitted again; keeping the first", existing.pk)
            return existing, False
        # The same form token with other details: a second request sent from a page the browser
        # kept (Back button, a 304), not a double click. It is a new customer request.
        logger.info("inquiry %s's form token reused for a different request", existing.pk)
        return submit_inquiry(
            data=data,
            trek=trek,
            idempotency_key=uuid.uuid4(),
            client_ip=client_ip,
            user_agent=user_agent,
            source_url=source_url,
            language=language,
            spam_reason=spam_reason,
        )
    logger.info("inquiry %s stored (trek=%s)", inquiry.pk, trek.slug if trek else "-")
    return inquiry, True


def _same_request(inquiry, trek, fields):
    return inquiry.trek_id == (trek.pk if trek else None) and all(
        getattr(inquiry, name) == value for name, value in fields.items()
    )


def mark_not_spam(*, inquiries):
    """Move suspected spam into the pipeline and queue its e-mails, as for every request.
    Returns how many requests were marked."""
    with transaction.atomic():
        rows = list(
            inquiries.suspected_spam().select_for_update(of=("self",)).select_related("trek")
        )
        marked = Inquiry.objects.filter(pk__in=[r.pk for r in rows]).update(spam_reason="")
        for inquiry in rows:
            inquiry.spam_reason = ""
            notifications.queue_for(inquiry)
    logger.info("%d inquiries marked not spam", marked)
    return marked


def purge_suspected_spam(*, older_than):
    """Delete suspected spam received before `older_than`, and the confirmation counts of
    past days; returns the number of requests deleted."""
    old_spam = Inquiry.objects.suspected_spam().filter(received_at__lt=older_than)
    _total, by_model = old_spam.delete()
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    ConfirmationCount.objects.filter(day__lt=yesterday).delete()
    return by_model.get(Inquiry._meta.label, 0)
