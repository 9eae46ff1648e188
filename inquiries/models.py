"""A request for information: one traveller's question, kept for ever and worked by sales staff.

Nothing a traveller sends is dropped: the row and its e-mails (outbox rows) are written in one
transaction, and the e-mails are sent afterwards by `send_outbox`, retried until they go.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from outbox.models import Message

# The most people one request may be for, with or without a trek. A group larger than a trek's
# own largest group is welcome as a large-group request (Inquiry.is_large_group); above this
# bound a number is a typo, and the form asks to call or write instead.
MAX_GROUP_SIZE = 60
MESSAGE_MAX_LENGTH = 5000
USER_AGENT_MAX_LENGTH = 300
SOURCE_URL_MAX_LENGTH = 500


class InquiryQuerySet(models.QuerySet):
    def large_groups(self):
        """Requests for more people than their trek's largest group (see is_large_group)."""
        return self.filter(group_size__gt=models.F("trek__group_size_max"))

    def not_spam(self):
        return self.filter(spam_reason="")

    def suspected_spam(self):
        return self.exclude(spam_reason="")

    def notification_pending(self):
        """Requests with an e-mail that has not gone out yet (waiting, retried or given up)."""
        return self.filter(Exists(Message.objects.unsent().filter(inquiry=OuterRef("pk"))))


class Status(models.TextChoices):
    NEW = "new", _("New")
    REPLIED = "replied", _("Replied")
    QUOTE_SENT = "quote_sent", _("Quote sent")
    WON = "won", _("Won")
    LOST = "lost", _("Lost")


class SpamReason(models.TextChoices):
    """Why a request was stored as suspected spam. People trip these too (autofill fills the
    honeypot or sends the form at once), so such a request is kept, hidden from the default
    list, and one click ("not spam") away from the pipeline."""

    HONEYPOT = "honeypot", _("Hidden field filled in")
    TOO_FAST = "too_fast", _("Sent less than 2 seconds after the page loaded")
    BAD_TOKEN = "bad_token", _("Form token missing or forged")


class ConfirmationWithheld(models.TextChoices):
    """Why the traveller's confirmation was not sent (the staff notification always is)."""

    DAILY_LIMIT = "daily_limit", _("This address had its confirmations for the day")
    UNUSABLE_ADDRESS = "unusable_address", _("The address cannot be used to send mail")


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
    "departure",
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
    SpamReason = SpamReason
    ConfirmationWithheld = ConfirmationWithheld

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
    # SET_NULL: a departure deleted in admin leaves the request with its date of travel.
    departure = models.ForeignKey(
        "treks.Departure",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="inquiries",
        verbose_name=_("departure"),
        help_text=_("The departure the traveller chose, if any; else their own date."),
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
    # The sales desk (desk/): when to look at it again, and the e-mail conversation's clock.
    follow_up_on = models.DateField(
        _("next follow-up"),
        null=True,
        blank=True,
        db_index=True,
        help_text=_("The day (Cusco) to get back to this request; empty when nothing is due."),
    )
    first_reply_at = models.DateTimeField(_("first reply sent"), null=True, blank=True)
    last_message_at = models.DateTimeField(
        _("last message"),
        null=True,
        blank=True,
        help_text=_("When the last message in either direction was sent."),
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
    spam_reason = models.CharField(
        _("suspected spam"),
        max_length=20,
        choices=SpamReason.choices,
        blank=True,
        db_index=True,
        help_text=_(
            "Empty for a request that looks like a person's. No e-mail goes out for "
            "suspected spam until staff mark it “not spam”."
        ),
    )
    # One per rendered form: a double-clicked submit or a re-POST finds the row it made.
    idempotency_key = models.UUIDField(_("form token"), default=uuid.uuid4, editable=False)

    # The e-mails themselves are outbox rows (inquiry.outbox_messages); this says why the
    # traveller's confirmation was never queued.
    confirmation_withheld = models.CharField(
        _("confirmation withheld"),
        max_length=20,
        choices=ConfirmationWithheld.choices,
        blank=True,
        help_text=_("Why the traveller was not e-mailed a confirmation, if they were not."),
    )

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
                violation_error_message=_("The number of people must be between 1 and 60."),
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
                condition=Q(spam_reason__in=["", *SpamReason.values]),
                name="inquiries_inquiry_spam_reason_valid",
                violation_error_message=_("Unknown spam reason."),
            ),
            models.CheckConstraint(
                condition=Q(confirmation_withheld__in=["", *ConfirmationWithheld.values]),
                name="inquiries_inquiry_confirmation_withheld_valid",
                violation_error_message=_("Unknown reason for withholding the confirmation."),
            ),
            models.CheckConstraint(
                condition=LessThanOrEqual(Length("message"), MESSAGE_MAX_LENGTH),
                name="inquiries_inquiry_message_length",
                violation_error_message=_("The message is too long."),
            ),
        ]
        indexes = [
            models.Index(fields=["trek", "-received_at"], name="inquiries_trek_received"),
            models.Index(fields=["status", "received_at"], name="inquiries_status_received"),
        ]

    def __str__(self):
        about = self.trek.name if self.trek_id else _("general request")
        return f"{self.name} · {about} · {self.travel_date:%Y-%m-%d}"

    @property
    def is_large_group(self):
        """More people than the trek takes in one group: staff plan it as a large group (several
        groups, guides and a private departure) rather than turn it away."""
        return self.trek is not None and self.group_size > self.trek.group_size_max

    def get_admin_url(self):
        return reverse("admin:inquiries_inquiry_change", args=[self.pk])


class ConfirmationCount(models.Model):
    """How many confirmations went to one address on one Cusco day.

    The request form lets anyone type anyone's address: without a cap it would send the
    operator's mail to a stranger as often as someone posts. The count is one row per address
    and day, raised with one conditional UPDATE (`... SET sent = sent + 1 WHERE sent < cap`),
    atomic on SQLite and PostgreSQL alike, so concurrent requests cannot overshoot it.
    """

    address = models.CharField(_("address"), max_length=254)
    day = models.DateField(_("day (Cusco)"))
    sent = models.PositiveSmallIntegerField(_("confirmations sent"), default=0)

    class Meta:
        ordering = ["-day", "address"]
        verbose_name = _("confirmations sent to an address")
        verbose_name_plural = _("confirmations sent to an address")
        constraints = [
            models.UniqueConstraint(
                fields=["address", "day"], name="inquiries_confirmationcount_unique_address_day"
            ),
        ]

    def __str__(self):
        return f"{self.address} {self.day:%Y-%m-%d}: {self.sent}"
