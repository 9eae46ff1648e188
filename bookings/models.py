"""Bookings: a request turned into a trip, its travellers' ticket details and its payments.

Seats are held on the departure in the booking's own transaction (services.py); the traveller
reaches the booking through a signed, expiring link whose token row staff can revoke. Traveller
details (passport numbers above all) are personal data: masked in lists, shown whole only with
a permission, every view and export recorded, deleted after the trip (purge command).
"""

import secrets
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from treks.models import MAX_SEATS, Trek

MONEY = {"max_digits": 10, "decimal_places": 2}


class Booking(models.Model):
    class Status(models.TextChoices):
        # The booking's life follows the money (services.follow_the_money): seats are held
        # while the deposit is awaited, the deposit confirms it, the balance pays it.
        AWAITING_DEPOSIT = "awaiting_deposit", _("Awaiting deposit")
        CONFIRMED = "confirmed", _("Confirmed")
        PAID = "paid", _("Paid in full")
        CANCELLED = "cancelled", _("Cancelled")

    inquiry = models.ForeignKey(
        "inquiries.Inquiry",
        on_delete=models.PROTECT,
        related_name="bookings",
        verbose_name=_("request"),
    )
    trek = models.ForeignKey(
        Trek, on_delete=models.PROTECT, related_name="bookings", verbose_name=_("trek")
    )
    departure = models.ForeignKey(
        "treks.Departure",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="bookings",
        verbose_name=_("departure"),
    )
    private_date = models.DateField(
        _("private departure date"),
        null=True,
        blank=True,
        help_text=_("For a private trip: its start date (then no departure)."),
    )
    start_date = models.DateField(_("start date"), editable=False)
    end_date = models.DateField(
        _("end date"), editable=False, help_text=_("From the trek's itinerary.")
    )
    travellers = models.PositiveSmallIntegerField(
        _("travellers"), validators=[MinValueValidator(1), MaxValueValidator(MAX_SEATS)]
    )
    total_price = models.DecimalField(_("total price"), **MONEY)
    currency = models.CharField(_("currency"), max_length=3, choices=Trek.Currency.choices)
    deposit_due = models.DecimalField(_("deposit due"), **MONEY)
    balance_due_date = models.DateField(_("balance due by"))
    payment_instructions = models.TextField(
        _("payment instructions"),
        max_length=2000,
        help_text=_("Bank transfer details or a payment link, shown on the traveller's page."),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.AWAITING_DEPOSIT
    )
    hold_until = models.DateTimeField(
        _("seats held until"),
        null=True,
        blank=True,
        help_text=_(
            "With no deposit by then, the booking is cancelled, its seats released and staff "
            "told (manage.py release_holds). Empty: held until staff cancel it."
        ),
    )
    name = models.CharField(_("name"), max_length=100)
    email = models.EmailField(_("e-mail"), max_length=254)
    language = models.CharField(
        _("language"), max_length=10, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    terms_accepted_at = models.DateTimeField(_("terms accepted"), null=True, blank=True)
    # Ready for a payment provider's hosted checkout: its session id, never a card number.
    checkout_reference = models.CharField(
        _("online checkout reference"), max_length=200, blank=True, editable=False
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("created by"),
    )
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True, editable=False)
    documents_purged_at = models.DateTimeField(
        _("traveller details deleted"), null=True, blank=True, editable=False
    )

    class Meta:
        ordering = ["start_date", "id"]
        verbose_name = _("booking")
        verbose_name_plural = _("bookings")
        permissions = [
            (
                "view_traveller_documents",
                _("Can see whole passport numbers and export traveller details"),
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(departure__isnull=True, private_date__isnull=False)
                | Q(departure__isnull=False, private_date__isnull=True),
                name="bookings_booking_departure_or_private_date",
                violation_error_message=_("A booking has a departure or a private date."),
            ),
            models.CheckConstraint(
                condition=Q(travellers__gte=1) & Q(travellers__lte=MAX_SEATS),
                name="bookings_booking_travellers_range",
                violation_error_message=_("Travellers must be between 1 and 30."),
            ),
            models.CheckConstraint(
                condition=Q(total_price__gte=0)
                & Q(deposit_due__gte=0)
                & Q(deposit_due__lte=models.F("total_price")),
                name="bookings_booking_money_order",
                violation_error_message=_("The deposit must be between 0 and the total price."),
            ),
            models.CheckConstraint(
                condition=Q(status__in=["awaiting_deposit", "confirmed", "paid", "cancelled"]),
                name="bookings_booking_status_valid",
                violation_error_message=_("Unknown status."),
            ),
        ]

    def __str__(self):
        return f"#{self.pk} {self.name} · {self.trek} · {self.start_date:%Y-%m-%d}"

    def get_admin_url(self):
        return reverse("admin:bookings_booking_change", args=[self.pk])

    @property
    def is_live(self):
        return self.status in LIVE_STATUSES

    @property
    def paid(self):
        """What was paid, less what was refunded, in the booking's currency (uses prefetched
        payments when there are any)."""
        if "payments" in getattr(self, "_prefetched_objects_cache", {}):
            return sum((p.net for p in self.payments.all()), Decimal(0))
        total = self.payments.aggregate(total=Sum(F("amount") - F("refunded")))["total"]
        return total or Decimal(0)

    def status_for(self, paid):
        """The status `paid` (net) gives a live booking: the deposit confirms it, the whole
        price pays it."""
        if paid >= self.total_price:
            return self.Status.PAID
        if paid >= self.deposit_due:
            return self.Status.CONFIRMED
        return self.Status.AWAITING_DEPOSIT

    @property
    def balance(self):
        return self.total_price - self.paid

    @property
    def deposit_outstanding(self):
        return max(self.deposit_due - self.paid, Decimal(0))

    @property
    def due_now(self):
        """What the traveller is asked to pay now: the deposit while it is outstanding, then
        the balance."""
        paid = self.paid
        if paid < self.deposit_due:
            return self.deposit_due - paid
        return max(self.total_price - paid, Decimal(0))


# A booking that holds its seats and can be paid: everything but cancelled.
LIVE_STATUSES = (
    Booking.Status.AWAITING_DEPOSIT,
    Booking.Status.CONFIRMED,
    Booking.Status.PAID,
)


class Traveller(models.Model):
    """What Machu Picchu and train tickets need, per traveller; every field may be left empty
    and filled in later by the traveller."""

    booking = models.ForeignKey(
        Booking, on_delete=models.CASCADE, related_name="traveller_rows", verbose_name=_("booking")
    )
    position = models.PositiveSmallIntegerField(_("traveller number"))
    full_name = models.CharField(_("full name as in the passport"), max_length=100, blank=True)
    nationality = CountryField(_("nationality"), blank=True)
    passport_number = models.CharField(_("passport number"), max_length=20, blank=True)
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    dietary_needs = models.CharField(_("dietary needs"), max_length=300, blank=True)
    emergency_contact = models.CharField(
        _("emergency contact"),
        max_length=150,
        blank=True,
        help_text=_("A name and a phone number, of someone not on the trip."),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["booking", "position"]
        verbose_name = _("traveller")
        verbose_name_plural = _("travellers")
        constraints = [
            models.UniqueConstraint(
                fields=["booking", "position"], name="bookings_traveller_unique_position"
            ),
        ]

    def __str__(self):
        return self.full_name or _("Traveller %(n)d") % {"n": self.position}

    @property
    def masked_passport(self):
        number = self.passport_number
        if not number:
            return ""
        return "•" * max(len(number) - 3, 3) + number[-3:] if len(number) > 3 else "•••"

    def age_on(self, day):
        born = self.date_of_birth
        if born is None:
            return None
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))

    @property
    def is_complete(self):
        return all((self.full_name, self.nationality, self.passport_number, self.date_of_birth))


class Payment(models.Model):
    class Method(models.TextChoices):
        BANK_TRANSFER = "bank_transfer", _("Bank transfer")
        PAYMENT_LINK = "payment_link", _("Payment link")
        CASH = "cash", _("Cash")
        CARD_CHECKOUT = "card_checkout", _("Card, through the payment provider")
        PAYPAL = "paypal", _("PayPal (online)")
        MERCADOPAGO = "mercadopago", _("Mercado Pago (online)")

    booking = models.ForeignKey(
        Booking, on_delete=models.CASCADE, related_name="payments", verbose_name=_("booking")
    )
    amount = models.DecimalField(
        _("amount"), **MONEY, validators=[MinValueValidator(Decimal("0.01"))]
    )
    paid_on = models.DateField(_("paid on"))
    method = models.CharField(_("method"), max_length=20, choices=Method.choices)
    reference = models.CharField(
        _("reference"),
        max_length=100,
        blank=True,
        help_text=_("The bank's or the provider's reference. Never a card number."),
    )
    # Online payments (the payments app): the provider's own id of the payment (PayPal's
    # capture, Mercado Pago's payment), unique per method so that a notification and the
    # traveller's return arriving at once record it once; what the provider charged (soles
    # for Mercado Pago) and what it refunded since, in the booking's currency.
    provider_reference = models.CharField(
        _("provider's payment id"), max_length=100, blank=True, editable=False
    )
    charged = models.CharField(
        _("charged"),
        max_length=40,
        blank=True,
        editable=False,
        help_text=_("What the provider charged, in its currency (PEN 1462.50)."),
    )
    refunded = models.DecimalField(
        _("refunded"),
        **MONEY,
        default=Decimal(0),
        editable=False,
        help_text=_("Refunded or charged back by the provider, in the booking's currency."),
    )
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now, editable=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("recorded by"),
    )

    class Meta:
        ordering = ["booking", "paid_on", "id"]
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="bookings_payment_amount_positive",
                violation_error_message=_("A payment is more than 0."),
            ),
            models.CheckConstraint(
                condition=Q(refunded__gte=0) & Q(refunded__lte=models.F("amount")),
                name="bookings_payment_refund_within_amount",
                violation_error_message=_("A refund is between 0 and the payment."),
            ),
            models.UniqueConstraint(
                fields=["method", "provider_reference"],
                condition=~Q(provider_reference=""),
                name="bookings_payment_unique_provider_reference",
                violation_error_message=_("This provider's payment is recorded already."),
            ),
        ]

    def __str__(self):
        return f"{self.amount} {self.get_method_display()} {self.paid_on:%Y-%m-%d}"

    @property
    def net(self):
        return self.amount - self.refunded


def new_link_token():
    return secrets.token_urlsafe(24)


class BookingLink(models.Model):
    """One link e-mailed to the traveller. The address carries this token signed with a
    timestamp (bookings.links): forged or expired links fail the signature, revoked ones fail
    here."""

    booking = models.ForeignKey(
        Booking, on_delete=models.CASCADE, related_name="links", verbose_name=_("booking")
    )
    token = models.CharField(max_length=64, unique=True, default=new_link_token, editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("traveller link")
        verbose_name_plural = _("traveller links")

    def __str__(self):
        return f"{self.booking_id} · {self.created_at:%Y-%m-%d %H:%M}"


class TravellerDataAccess(models.Model):
    """Who saw or exported a booking's traveller details, and when: append-only."""

    class Action(models.TextChoices):
        VIEW = "view", _("Viewed in admin")
        EXPORT = "export", _("Exported")
        SHEET = "sheet", _("Departure sheet printed")

    booking = models.ForeignKey(
        Booking, on_delete=models.CASCADE, related_name="accesses", verbose_name=_("booking")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("user"),
    )
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        ordering = ["-at"]
        verbose_name = _("traveller details access")
        verbose_name_plural = _("traveller details accesses")

    def __str__(self):
        return f"{self.user} {self.get_action_display()} #{self.booking_id} {self.at:%Y-%m-%d}"
