"""The outbox: every e-mail the site sends is one row, written in the transaction of what
causes it (a request, a reply, a booking link, a review request) and sent later by
`manage.py send_outbox`. A mail server that is down costs nothing but time: the row waits,
is retried with a growing pause, and staff see and retry what gave up in admin."""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    """What a message is, for staff (admin, the request's history). Labels only: the apps
    that queue messages own their text and templates."""

    STAFF_NOTIFICATION = "staff_notification", _("Notification to staff")
    CONFIRMATION = "confirmation", _("Confirmation to the traveller")
    REPLY = "reply", _("Reply to the traveller")
    BOOKING_LINK = "booking_link", _("Link to the booking")
    REVIEW_REQUEST = "review_request", _("Request for a review")
    BOOKING_CONFIRMATION = "booking_confirmation", _("Booking confirmation")
    BALANCE_REMINDER = "balance_reminder", _("Balance reminder")
    PRE_TRIP = "pre_trip", _("Pre-trip information")
    DEPARTURE_CANCELLED = "departure_cancelled", _("Departure cancelled")
    DEPARTURE_MOVED = "departure_moved", _("Departure moved")
    PAYMENT_RECEIPT = "payment_receipt", _("Payment receipt")


class Status(models.TextChoices):
    QUEUED = "queued", _("Waiting to be sent")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Gave up (retry in admin)")
    CANCELLED = "cancelled", _("Cancelled")
    EXPIRED = "expired", _("Too late: not sent")


class MessageQuerySet(models.QuerySet):
    def due(self, now=None):
        """Queued, its time come, and not held by a sender (or held by one that died)."""
        now = now or timezone.now()
        return self.filter(
            Q(claimed_until__isnull=True) | Q(claimed_until__lt=now),
            status=Status.QUEUED,
            not_before__lte=now,
        )

    def unsent(self):
        return self.filter(status__in=[Status.QUEUED, Status.FAILED])

    def sent_or_waiting(self):
        return self.filter(status__in=[Status.QUEUED, Status.SENT])


class Message(models.Model):
    Kind = Kind
    Status = Status

    kind = models.CharField(_("what"), max_length=30, choices=Kind.choices)
    # What caused it, so that its delivery is written into that request's history. A booking's
    # messages carry its request too.
    inquiry = models.ForeignKey(
        "inquiries.Inquiry",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="outbox_messages",
        verbose_name=_("request"),
    )
    booking = models.ForeignKey(
        "bookings.Booking",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="outbox_messages",
        verbose_name=_("booking"),
    )
    language = models.CharField(_("language"), max_length=10, blank=True)
    from_email = models.CharField(_("from"), max_length=300)
    to = models.JSONField(_("to"), default=list)
    reply_to = models.JSONField(_("reply-to"), default=list, blank=True)
    subject = models.CharField(_("subject"), max_length=300)
    body = models.TextField(_("text"))
    html = models.TextField(_("HTML"), blank=True)
    # Small text files sent with it (a calendar file): [{"filename", "mimetype", "content"}].
    # Text, not bytes, so that the row stays readable JSON in admin and in a backup.
    attachments = models.JSONField(_("attachments"), default=list, blank=True)

    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.QUEUED
    )
    not_before = models.DateTimeField(
        _("not before"),
        default=timezone.now,
        help_text=_("The message is sent at this time or soon after; a failure moves it on."),
    )
    # A message that is pointless after a moment (the pre-trip information after the start):
    # not sent, but marked expired, when its sender only gets to it later (mail server down).
    send_by = models.DateTimeField(_("send by"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("queued"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    # A sender holds the row until then, under its own token: the one that finishes records
    # the outcome only if it still holds the row.
    claimed_until = models.DateTimeField(null=True, blank=True, editable=False)
    claim = models.UUIDField(null=True, blank=True, editable=False)

    objects = MessageQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("e-mail")
        verbose_name_plural = _("e-mails")
        indexes = [
            models.Index(
                fields=["not_before"],
                name="outbox_message_queued",
                condition=Q(status="queued"),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=Status.values),
                name="outbox_message_status_valid",
                violation_error_message=_("Unknown status."),
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.subject}"
