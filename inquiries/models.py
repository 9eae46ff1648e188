"""A request for information: one traveller's question, kept for ever and worked by sales staff.

Nothing a traveller sends is dropped: the row is written before any e-mail is tried, and the
e-mail state lives on the row so that a failed notification is retried, not lost.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# Without a trek (the general contact form) a request may be for at most this many people.
MAX_GROUP_SIZE = 30
MESSAGE_MAX_LENGTH = 5000
USER_AGENT_MAX_LENGTH = 300
SOURCE_URL_MAX_LENGTH = 500


class InquiryQuerySet(models.QuerySet):
    def notification_pending(self):
        """Rows whose staff notification or traveller confirmation has not gone out yet."""
        return self.filter(Q(staff_notified_at__isnull=True) | Q(confirmation_sent_at__isnull=True))


class Status(models.TextChoices):
    NEW = "new", _("New")
    REPLIED = "replied", _("Replied")
    QUOTE_SENT = "quote_sent", _("Quote sent")
    WON = "won", _("Won")
    LOST = "lost", _("Lost")


class LeadSource(models.TextChoices):
    SEARCH = "search", _("Google or another search engine")
    TRIPADVISOR = "tripadvisor", _("Tripadvisor")
    SOCIAL = "social", _("Facebook, Instagram or another social network")
    FRIEND = "friend", _("A friend or relative")
    GUIDEBOOK = "guidebook", _("A guidebook, blog or article")
    AGENCY = "agency", _("A travel agency")
    RETURNING = "returning", _("I have travelled with you before")
    OTHER = "other", _("Other")


# What a traveller fills in, in the form's order: the request form, the service that stores it
# and the admin that keeps it as it came all use this one list.
TRAVELLER_FIELDS = (
    "travel_date",
    "group_size",
    "lead_source",
    "name",
    "email",
    "phone",
    "country",
    "message",
)


class Inquiry(models.Model):
    Status = Status
    LeadSource = LeadSource

    # PROTECT: a trek that travellers asked about cannot be deleted from under their requests;
    # unpublishing it hides it from the public and keeps the history.
    trek = models.ForeignKey(
        "treks.Trek",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="inquiries",
        verbose_name=_("trek"),
        help_text=_("Empty for the general contact form."),
    )
    travel_date = models.DateField(_("date of travel"))
    group_size = models.PositiveSmallIntegerField(_("number of people"))
    lead_source = models.CharField(
        _("how they heard of us"), max_length=20, choices=LeadSource.choices
    )
    name = models.CharField(_("name"), max_length=100)
    email = models.EmailField(_("e-mail"), max_length=254)
    phone = models.CharField(_("phone or WhatsApp"), max_length=30, blank=True)
    country = models.CharField(_("country"), max_length=80, blank=True)
    message = models.TextField(_("message"), max_length=MESSAGE_MAX_LENGTH, blank=True)

    # The sales pipeline.
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.NEW, db_index=True
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="inquiries",
        limit_choices_to={"is_staff": True},
        verbose_name=_("owner"),
        help_text=_("The member of staff who answers this request."),
    )
    staff_notes = models.TextField(
        _("staff notes"), blank=True, help_text=_("Only staff see these.")
    )

    # Where it came from.
    received_at = models.DateTimeField(_("received"), default=timezone.now, db_index=True)
    source_url = models.CharField(_("sent from page"), max_length=SOURCE_URL_MAX_LENGTH, blank=True)
    user_agent = models.CharField(_("browser"), max_length=USER_AGENT_MAX_LENGTH, blank=True)
    client_ip = models.GenericIPAddressField(_("client address"), null=True, blank=True)
    # The language of the page the form was sent from: the confirmation e-mail is written in it,
    # and staff answer in it.
    language = models.CharField(
        _("language"),
        max_length=10,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
        help_text=_("The language of the page the request was sent from."),
    )
    # One per rendered form: a double-clicked submit or a re-POST finds the row it made.
    idempotency_key = models.UUIDField(_("form token"), default=uuid.uuid4, editable=False)

    # E-mail state, so that failures are visible and retried (see send_pending_notifications).
    staff_notified_at = models.DateTimeField(_("staff e-mailed"), null=True, blank=True)
    confirmation_sent_at = models.DateTimeField(_("traveller e-mailed"), null=True, blank=True)
    notify_attempts = models.PositiveSmallIntegerField(_("e-mail attempts"), default=0)
    notify_last_error = models.CharField(_("last e-mail error"), max_length=500, blank=True)
    # Whoever sends the e-mails first claims the row until then; others leave it alone.
    notify_claimed_until = models.DateTimeField(null=True, blank=True, editable=False)

    objects = InquiryQuerySet.as_manager()

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("request for information")
        verbose_name_plural = _("requests for information")
        constraints = [
            models.UniqueConstraint(
                fields=["idempotency_key"],
                name="inquiries_inquiry_unique_idempotency_key",
            ),
            models.CheckConstraint(
                condition=Q(group_size__gte=1) & Q(group_size__lte=MAX_GROUP_SIZE),
                name="inquiries_inquiry_group_size_range",
                violation_error_message=_("The number of people must be between 1 and 30."),
            ),
            models.CheckConstraint(
                condition=Q(status__in=Status.values),
                name="inquiries_inquiry_status_valid",
                violation_error_message=_("Unknown status."),
            ),
            models.CheckConstraint(
                condition=Q(lead_source__in=LeadSource.values),
                name="inquiries_inquiry_lead_source_valid",
                violation_error_message=_("Unknown lead source."),
            ),
            models.CheckConstraint(
                condition=LessThanOrEqual(Length("message"), MESSAGE_MAX_LENGTH),
                name="inquiries_inquiry_message_length",
                violation_error_message=_("The message is too long."),
            ),
        ]
        indexes = [
            models.Index(fields=["trek", "-received_at"], name="inquiries_trek_received"),
        ]

    def __str__(self):
        about = self.trek.name if self.trek_id else _("general request")
        return f"{self.name} · {about} · {self.travel_date:%Y-%m-%d}"

    def get_admin_url(self):
        return reverse("admin:inquiries_inquiry_change", args=[self.pk])

    @property
    def notification_done(self):
        return self.staff_notified_at is not None and self.confirmation_sent_at is not None
