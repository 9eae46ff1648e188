"""The one writer of a request's history (desk.models.InquiryEvent)."""

from django.conf import settings
from django.utils import translation

from outbox.models import Kind

from .models import EventKind, InquiryEvent


def record(*, inquiry, kind, actor=None, old="", new="", text=""):
    """Append one dated entry to `inquiry`'s history; entries are never changed afterwards."""
    return InquiryEvent.objects.create(
        inquiry_id=inquiry if isinstance(inquiry, int) else inquiry.pk,
        kind=kind,
        actor=actor if actor is not None and actor.is_authenticated else None,
        old_value=str(old)[:200],
        new_value=str(new)[:200],
        text=text,
    )


def events_of(inquiry_pk):
    """A request's history, newest first, for its admin page (one query)."""
    return InquiryEvent.objects.filter(inquiry_id=inquiry_pk).select_related("actor")


def record_outcome(*, message, error="", final=False, delivered=False, expired=False):
    """The one hook the outbox calls (outbox.signals, connected in DeskConfig.ready): an
    e-mail about a request (or its booking) was delivered, failed for the first time, or was
    given up. The outbox sends each outcome once, in the transaction that records it."""
    if message.inquiry_id is None:
        return None
    with translation.override(settings.LANGUAGE_CODE):  # whatever the sender had active
        what = str(message.get_kind_display())
    if expired:
        # A traveller message that only mattered until a moment (the pre-trip information).
        return record(
            inquiry=message.inquiry_id,
            kind=EventKind.MESSAGE_SKIPPED,
            text=f"{what}: too late, not sent (the mail server was unreachable until then)",
        )
    if delivered:
        kind = EventKind.REPLY_SENT if message.kind == Kind.REPLY else EventKind.EMAIL_SENT
        text = message.subject if message.kind == Kind.REPLY else str(what)
    else:
        kind = EventKind.EMAIL_GAVE_UP if final else EventKind.EMAIL_FAILED
        if message.kind == Kind.REPLY and not final:
            kind = EventKind.REPLY_FAILED
        text = f"{what}: {error}"[:500]
    return record(inquiry=message.inquiry_id, kind=kind, text=text)


def on_delivered(sender, *, message, **kwargs):
    record_outcome(message=message, delivered=True)


def on_failed(sender, *, message, error, final, **kwargs):
    record_outcome(message=message, error=error, final=final)


def on_expired(sender, *, message, **kwargs):
    record_outcome(message=message, expired=True)
