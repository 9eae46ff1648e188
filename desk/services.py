"""Writes of the sales desk, each with its history entries in the same transaction."""

from django.db import transaction

from inquiries.models import Inquiry

from . import history
from .models import EventKind

# The pipeline fields whose changes the history records, with their kind of entry.
TRACKED = {
    "status": EventKind.STATUS,
    "owner_id": EventKind.OWNER,
    "follow_up_on": EventKind.FOLLOW_UP,
}


def _shown(field, value, users):
    if value is None or value == "":
        return ""
    if field == "status":
        return value  # the code: the history shows its label in the reader's language
    if field == "owner_id":
        return users.get(value, value)
    return value.isoformat()


@transaction.atomic
def save_pipeline(*, inquiry, actor, note=""):
    """Save staff's changes to a request (status, owner, follow-up) and append what changed,
    and the note if there is one, to its history."""
    if inquiry.pk is None:
        inquiry.save()
        before = {}
    else:
        before = (
            Inquiry.objects.select_for_update().filter(pk=inquiry.pk).values(*TRACKED).first() or {}
        )
        inquiry.save()
    changed = [f for f in TRACKED if before and before[f] != getattr(inquiry, f)]
    owners = {before.get("owner_id"), inquiry.owner_id} - {None}
    users = {}
    if "owner_id" in changed and owners:
        from django.contrib.auth import get_user_model

        users = dict(get_user_model().objects.filter(pk__in=owners).values_list("pk", "username"))
    for field in changed:
        history.record(
            inquiry=inquiry,
            kind=TRACKED[field],
            actor=actor,
            old=_shown(field, before[field], users),
            new=_shown(field, getattr(inquiry, field), users),
        )
    if note.strip():
        history.record(inquiry=inquiry, kind=EventKind.NOTE, actor=actor, text=note.strip())


@transaction.atomic
def set_status(*, inquiries, status, actor):
    """The list's bulk actions: move the selected requests to `status`; returns how many moved."""
    rows = list(inquiries.exclude(status=status).select_for_update().values_list("pk", "status"))
    Inquiry.objects.filter(pk__in=[pk for pk, _old in rows]).update(status=status)
    for pk, old in rows:
        history.record(
            inquiry=pk,
            kind=EventKind.STATUS,
            actor=actor,
            old=old,
            new=status,
        )
    return len(rows)


@transaction.atomic
def assign(*, inquiries, owner, actor):
    rows = list(
        inquiries.exclude(owner=owner)
        .select_for_update(of=("self",))
        .values_list("pk", "owner__username")
    )
    Inquiry.objects.filter(pk__in=[pk for pk, _old in rows]).update(owner=owner)
    for pk, old in rows:
        history.record(
            inquiry=pk, kind=EventKind.OWNER, actor=actor, old=old or "", new=owner.get_username()
        )
    return len(rows)
