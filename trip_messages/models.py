"""The messages that keep a traveller informed, per booking: planned when the booking is
made, written and queued in the outbox when their moment comes (by `send_outbox`, through
outbox.signals.sending), each once.

A TripMessage is the plan of one message: what (kind), when (due_at), how late it may still
go (stale_at), and what became of it (queued with its outbox row, skipped and why, or switched
off by staff). The database keeps it once per booking and kind (and per departure change for
the messages a change causes); the conditional UPDATE that queues it keeps it once when two
servers run send_outbox at the same instant.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from outbox.models import Kind as OutboxKind


class Kind(models.TextChoices):
    """The traveller messages; the values are the outbox's kinds, so that the outbox's admin
    and the request's history name them the same way."""

    CONFIRMATION = OutboxKind.BOOKING_CONFIRMATION.value, _("Booking confirmation")
    BALANCE_REMINDER = OutboxKind.BALANCE_REMINDER.value, _("Balance reminder")
    PRE_TRIP = OutboxKind.PRE_TRIP.value, _("Pre-trip information")
    REVIEW_REQUEST = OutboxKind.REVIEW_REQUEST.value, _("Request for a review")
    DEPARTURE_CANCELLED = OutboxKind.DEPARTURE_CANCELLED.value, _("Departure cancelled")
    DEPARTURE_MOVED = OutboxKind.DEPARTURE_MOVED.value, _("Departure moved")


CHANGE_KINDS = (Kind.DEPARTURE_CANCELLED, Kind.DEPARTURE_MOVED)


class MessageTemplate(models.Model):
    """What staff write for one kind of message in one language, with {placeholders}."""

    kind = models.CharField(_("message"), max_length=30, choices=Kind.choices)
    language = models.CharField(
        _("language"),
        max_length=10,
        choices=settings.LANGUAGES,
        help_text=_("The traveller's language this text is written in."),
    )
    subject = models.CharField(
        _("subject"), max_length=200, help_text=_("One line; placeholders allowed.")
    )
    body = models.TextField(
        _("text"),
        max_length=5000,
        help_text=_(
            "Plain text: a blank line between paragraphs. Placeholders are listed below; a "
            "fact the site does not know yet is shown as “to be confirmed”."
        ),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["kind", "language"]
        verbose_name = _("traveller message text")
        verbose_name_plural = _("traveller message texts")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "language"],
                name="trip_messages_template_one_per_kind_and_language",
                violation_error_message=_("This message already has a text in this language."),
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.language})"


class Timing(models.Model):
    """When the scheduled messages go: one row (id 1), edited by staff in admin."""

    SINGLETON_ID = 1

    balance_reminder_days = models.PositiveSmallIntegerField(
        _("balance reminder, days before it is due"),
        default=7,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
        help_text=_("1 to 60. A booking made later than that is reminded at once."),
    )
    pre_trip_days = models.PositiveSmallIntegerField(
        _("pre-trip information, days before the start"),
        default=7,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
        help_text=_("1 to 60. A booking made later than that gets it at once."),
    )
    late_after_hours = models.PositiveSmallIntegerField(
        _("skip a message late by more than (hours)"),
        default=24,
        validators=[MinValueValidator(1), MaxValueValidator(24 * 14)],
        help_text=_(
            "1 to 336. A message that could not go out within this time of its moment is "
            "skipped and recorded (the pre-trip information is never sent after the start)."
        ),
    )

    class Meta:
        verbose_name = _("timing of traveller messages")
        verbose_name_plural = _("timing of traveller messages")
        constraints = [
            models.CheckConstraint(
                condition=Q(balance_reminder_days__gte=1, balance_reminder_days__lte=60)
                & Q(pre_trip_days__gte=1, pre_trip_days__lte=60)
                & Q(late_after_hours__gte=1, late_after_hours__lte=24 * 14),
                name="trip_messages_timing_in_range",
                violation_error_message=_("A timing is out of its range."),
            ),
        ]

    def __str__(self):
        return str(_("Timing of traveller messages"))

    @classmethod
    def current(cls):
        return cls.objects.filter(pk=cls.SINGLETON_ID).first() or cls(pk=cls.SINGLETON_ID)


class DepartureChange(models.Model):
    """One cancellation or move of a departure by staff: what its travellers are told of,
    once (a TripMessage per booking points at it)."""

    departure = models.ForeignKey(
        "treks.Departure",
        on_delete=models.CASCADE,
        related_name="changes",
        verbose_name=_("departure"),
    )
    cancelled = models.BooleanField(_("cancelled"))
    old_start_date = models.DateField(_("from"))
    new_start_date = models.DateField(_("to"))
    at = models.DateTimeField(_("when"), auto_now_add=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("departure change")
        verbose_name_plural = _("departure changes")

    def __str__(self):
        what = _("cancelled") if self.cancelled else _("moved")
        return f"{self.departure_id} {what} {self.old_start_date} → {self.new_start_date}"


class Status(models.TextChoices):
    PLANNED = "planned", _("Planned")
    QUEUED = "queued", _("Written and queued")
    SKIPPED = "skipped", _("Skipped")


class TripMessage(models.Model):
    Kind = Kind
    Status = Status

    booking = models.ForeignKey(
        "bookings.Booking",
        on_delete=models.CASCADE,
        related_name="trip_messages",
        verbose_name=_("booking"),
    )
    kind = models.CharField(_("message"), max_length=30, choices=Kind.choices)
    change = models.ForeignKey(
        DepartureChange,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="messages",
        verbose_name=_("departure change"),
    )
    due_at = models.DateTimeField(_("due"))
    # After this the message is skipped rather than sent: its moment has passed.
    stale_at = models.DateTimeField(_("too late after"))
    enabled = models.BooleanField(
        _("send"),
        default=True,
        help_text=_("Untick to send this traveller nothing of this kind."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PLANNED
    )
    reason = models.CharField(_("why skipped"), max_length=200, blank=True)
    message = models.OneToOneField(
        "outbox.Message",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="trip_message",
        verbose_name=_("e-mail"),
    )
    created_at = models.DateTimeField(_("planned"), auto_now_add=True)
    decided_at = models.DateTimeField(_("queued or skipped"), null=True, blank=True)

    class Meta:
        ordering = ["booking", "due_at", "id"]
        verbose_name = _("traveller message")
        verbose_name_plural = _("traveller messages")
        indexes = [
            models.Index(
                fields=["due_at"], name="trip_messages_planned", condition=Q(status="planned")
            ),
        ]
        constraints = [
            # Never twice: one of each kind per booking, and one per change for the messages
            # a change of the departure causes.
            models.UniqueConstraint(
                fields=["booking", "kind"],
                condition=Q(change__isnull=True),
                name="trip_messages_once_per_booking_and_kind",
                violation_error_message=_("This booking already has this message."),
            ),
            models.UniqueConstraint(
                fields=["booking", "kind", "change"],
                condition=Q(change__isnull=False),
                name="trip_messages_once_per_booking_and_change",
                violation_error_message=_("This booking is already told of this change."),
            ),
            models.CheckConstraint(
                condition=Q(change__isnull=True) | Q(kind__in=[k.value for k in CHANGE_KINDS]),
                name="trip_messages_change_only_for_change_kinds",
                violation_error_message=_("Only the messages of a change point at one."),
            ),
            models.CheckConstraint(
                condition=Q(status__in=Status.values),
                name="trip_messages_status_valid",
                violation_error_message=_("Unknown status."),
            ),
        ]

    def __str__(self):
        return f"#{self.booking_id} {self.get_kind_display()}"
