"""The one writer of a request's history (desk.models.InquiryEvent)."""

from .models import InquiryEvent


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


def record_deliveries(*, inquiry, delivered, errors):
    """The request e-mails (inquiries.notifications.deliver): one entry per e-mail sent, one
    for the failures of this attempt, written in one INSERT."""
    from django.utils.translation import gettext as _

    from .models import EventKind

    names = {"staff": _("Notification to staff"), "traveller": _("Confirmation to the traveller")}
    entries = [
        InquiryEvent(inquiry_id=inquiry.pk, kind=EventKind.EMAIL_SENT, text=str(names[who]))
        for who in delivered
    ]
    if errors:
        entries.append(
            InquiryEvent(
                inquiry_id=inquiry.pk, kind=EventKind.EMAIL_FAILED, text="; ".join(errors)[:500]
            )
        )
    InquiryEvent.objects.bulk_create(entries)
