"""The sales desk's records: the dated history of each request, the reply templates staff
manage, and the replies sent (each with its e-mail in the outbox)."""

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
    EMAIL_GAVE_UP = "email_gave_up", _("E-mail not sent: gave up (retry in the outbox)")
    MESSAGE_SKIPPED = "message_skipped", _("Message to the traveller skipped")
    # A booking's life, written here by the bookings and payments apps: its status as the
    # money comes in, and each payment, refund or flagged payment from a provider.
    BOOKING = "booking", _("Booking status changed")
    PAYMENT = "payment", _("Payment")
    PAYMENT_FLAGGED = "payment_flagged", _("Payment to check")


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

    def _shown(self, value):
        # A status is stored as its code and shown in the language of whoever reads it.
        if self.kind == EventKind.STATUS and value:
            from inquiries.models import Status

            return Status(value).label if value in Status.values else value
        return value

    @property
    def shown_old(self):
        return self._shown(self.old_value)

    @property
    def shown_new(self):
        return self._shown(self.new_value)


# What a reply template may say about the request; `desk.replies.fill` puts the values in.
PLACEHOLDERS = ("name", "trek", "date", "people", "staff")
SUBJECT_MAX_LENGTH = 200
# What ends a line in some mail client, CR and LF among them.
LINE_BREAKS = "\r\n\u2028\u2029\x85\x0b\x0c"
BODY_MAX_LENGTH = 5000


class ReplyTemplate(models.Model):
    """A reply staff start from, in one language, with {name}-style placeholders."""

    name = models.CharField(
        _("name"), max_length=100, help_text=_("What staff pick in the reply form.")
    )
    language = models.CharField(
        _("language"),
        max_length=10,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
        help_text=_("The traveller's language this reply is written in."),
    )
    subject = models.CharField(
        _("subject"),
        max_length=SUBJECT_MAX_LENGTH,
        help_text=_("Placeholders: {name}, {trek}, {date}, {people}, {staff}."),
    )
    body = models.TextField(
        _("text"),
        max_length=BODY_MAX_LENGTH,
        help_text=_("Placeholders: {name}, {trek}, {date}, {people}, {staff}."),
    )
    is_active = models.BooleanField(
        _("offered"), default=True, help_text=_("Unticked: kept, but not offered in the form.")
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["language", "name"]
        verbose_name = _("reply template")
        verbose_name_plural = _("reply templates")
        constraints = [
            models.UniqueConstraint(
                fields=["language", "name"],
                name="desk_replytemplate_unique_language_name",
                violation_error_message=_(
                    "There is already a template of this name in this language."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.get_language_display()})"

    def clean(self):
        from django.core.exceptions import ValidationError

        from .replies import placeholder_error, unknown_placeholders

        errors = {}
        for field in ("subject", "body"):
            unknown = unknown_placeholders(getattr(self, field) or "")
            if unknown:
                errors[field] = placeholder_error(unknown)
        # An e-mail's subject is one header line: refused here, not first when staff send.
        if any(char in (self.subject or "") for char in LINE_BREAKS):
            errors["subject"] = _("The subject must be one line.")
        if errors:
            raise ValidationError(errors)


class Reply(models.Model):
    """An e-mail staff sent a traveller from the request's page: what staff wrote, and its
    outbox row (which send_outbox sends and retries)."""

    inquiry = models.ForeignKey(
        "inquiries.Inquiry",
        on_delete=models.CASCADE,
        related_name="replies",
        verbose_name=_("request"),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="inquiry_replies",
        verbose_name=_("written by"),
    )
    template = models.ForeignKey(
        ReplyTemplate,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="replies",
        verbose_name=_("template"),
    )
    subject = models.CharField(_("subject"), max_length=SUBJECT_MAX_LENGTH)
    body = models.TextField(_("text"), max_length=BODY_MAX_LENGTH)
    reply_to = models.EmailField(_("reply-to"), blank=True)
    created_at = models.DateTimeField(_("written"), auto_now_add=True)
    message = models.OneToOneField(
        "outbox.Message",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reply",
        verbose_name=_("e-mail"),
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("reply")
        verbose_name_plural = _("replies")

    def __str__(self):
        return self.subject
