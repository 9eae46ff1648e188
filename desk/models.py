"""The sales desk's records: the dated history of each request, the reply templates staff
manage, and the replies sent (kept first, sent after commit, retried)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

NOTE_MAX_LENGTH = 2000


class EventKind(models.TextChoices):
    STATUS = "status", _("Status changed")
    OWNER = "owner", _("Owner changed")
    FOLLOW_UP = "follow_up", _("Follow-up date changed")
    NOTE = "note", _("Note")
    REPLY_QUEUED = "reply_queued", _("Reply written")
    REPLY_SENT = "reply_sent", _("Reply sent")
    REPLY_FAILED = "reply_failed", _("Reply not sent yet (retried)")
    EMAIL_SENT = "email_sent", _("E-mail delivered")
    EMAIL_FAILED = "email_failed", _("E-mail failed (retried)")


class InquiryEvent(models.Model):
    """One dated line of a request's history. Append-only: rows are written by
    `desk.history.record` and never changed; there is no admin to edit them."""

    Kind = EventKind

    inquiry = models.ForeignKey(
        "inquiries.Inquiry",
        on_delete=models.CASCADE,
        related_name="events",
        verbose_name=_("request"),
    )
    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    kind = models.CharField(_("what"), max_length=20, choices=EventKind.choices)
    # Empty for what the site did by itself (an e-mail delivered by the retry command).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="inquiry_events",
        verbose_name=_("who"),
    )
    old_value = models.CharField(_("before"), max_length=200, blank=True)
    new_value = models.CharField(_("after"), max_length=200, blank=True)
    text = models.TextField(_("text"), blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("history entry")
        verbose_name_plural = _("history entries")
        indexes = [models.Index(fields=["inquiry", "-at"], name="desk_event_inquiry_at")]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=EventKind.values),
                name="desk_inquiryevent_kind_valid",
                violation_error_message=_("Unknown kind of history entry."),
            ),
        ]

    def __str__(self):
        return f"{self.inquiry_id} {self.at:%Y-%m-%d %H:%M} {self.kind}"
