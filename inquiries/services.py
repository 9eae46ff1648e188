"""Writes with side effects: storing a request and, once it is committed, e-mailing about it."""

import logging
import uuid

from django.conf import settings
from django.db import IntegrityError, transaction

from . import notifications
from .models import SOURCE_URL_MAX_LENGTH, TRAVELLER_FIELDS, USER_AGENT_MAX_LENGTH, Inquiry

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
):
    """Store one request for information and schedule its e-mails; return (inquiry, created).

    `data` is the form's cleaned data. The same `idempotency_key` twice (a double click, a
    browser re-POST) returns the row the first one made and sends nothing again. The e-mails go
    out only after the row is committed; a failure there is recorded on the row for the retry
    command and never undoes the row. `language` is the page's: the confirmation is written
    in it.
    """
    fields = {name: data[name] for name in TRAVELLER_FIELDS}
    try:
        with transaction.atomic():
            inquiry = Inquiry.objects.create(
                trek=trek,
                idempotency_key=idempotency_key,
                client_ip=client_ip,
                user_agent=(user_agent or "")[:USER_AGENT_MAX_LENGTH],
                source_url=(source_url or "")[:SOURCE_URL_MAX_LENGTH],
                language=language,
                **fields,
            )
            transaction.on_commit(lambda: notifications.deliver_after_commit(inquiry.pk))
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
        )
    logger.info("inquiry %s stored (trek=%s)", inquiry.pk, trek.slug if trek else "-")
    return inquiry, True


def _same_request(inquiry, trek, fields):
    return inquiry.trek_id == (trek.pk if trek else None) and all(
        getattr(inquiry, name) == value for name, value in fields.items()
    )
