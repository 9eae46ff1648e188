"""What the site asked a payment provider for (Checkout), and the exchange rates staff set for
charging in soles. The money itself is recorded as a bookings.Payment, and only when the
provider confirms it (services.settle)."""

import uuid
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

MONEY = {"max_digits": 10, "decimal_places": 2}
CENT = Decimal("0.01")


def to_cents(value):
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def shown_money(currency, amount):
    """ "PEN 1000.00" for what a provider reported; more decimals than cents are kept."""
    amount = Decimal(amount)
    return f"{currency} {amount:.2f}" if amount == to_cents(amount) else f"{currency} {amount}"


class Provider(models.TextChoices):
    # The same codes as bookings.Payment.Method's online methods.
    PAYPAL = "paypal", "PayPal"
    MERCADOPAGO = "mercadopago", "Mercado Pago"


class ExchangeRateQuerySet(models.QuerySet):
    def for_day(self, day, *, source, target):
        return self.filter(source=source, target=target, valid_on=day).first()


class ExchangeRate(models.Model):
    """One rate staff set for a day: what a dollar costs in soles when Mercado Pago charges.
    A day without its rate cannot be paid in soles (never yesterday's rate silently)."""

    source = models.CharField(_("from"), max_length=3, default="USD")
    target = models.CharField(_("to"), max_length=3, default="PEN")
    rate = models.DecimalField(
        _("rate"),
        max_digits=10,
        decimal_places=4,
        validators=[MinValueValidator(Decimal("0.0001")), MaxValueValidator(Decimal("1000"))],
        help_text=_("How many of the second currency one of the first buys: 3.75."),
    )
    valid_on = models.DateField(
        _("for the day"), default=timezone.localdate, help_text=_("The day this rate charges.")
    )
    set_at = models.DateTimeField(_("set"), default=timezone.now, editable=False)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("set by"),
    )

    objects = ExchangeRateQuerySet.as_manager()

    class Meta:
        ordering = ["-valid_on", "source", "target"]
        verbose_name = _("exchange rate")
        verbose_name_plural = _("exchange rates")
        constraints = [
            models.UniqueConstraint(
                fields=["source", "target", "valid_on"],
                name="payments_exchangerate_one_per_day",
                violation_error_message=_("This day already has a rate for these currencies."),
            ),
            models.CheckConstraint(
                condition=Q(rate__gt=0),
                name="payments_exchangerate_positive",
                violation_error_message=_("A rate is more than 0."),
            ),
        ]

    def __str__(self):
        return f"{self.source} 1 = {self.target} {self.rate} ({self.valid_on:%Y-%m-%d})"

    @property
    def shown(self):
        """The rate as staff typed it (3.75, not 3.7500), still a number: templates localise
        it (3,75 in Spanish) like the amounts beside it."""
        rate = self.rate.normalize()
        return rate.quantize(Decimal(1)) if rate.as_tuple().exponent > 0 else rate

    def convert(self, amount):
        return to_cents(amount * self.rate)


class PaymentRequestQuerySet(models.QuerySet):
    def open(self):
        return self.filter(cancelled_at__isnull=True).exclude(checkouts__status="paid")


class PaymentRequest(models.Model):
    """An amount staff ask the traveller to pay online, beyond what is due now: part of the
    balance early, or an extra (an extra night, a horse) once staff have added it to the
    booking's total. It shows on the booking page with its pay buttons until it is paid."""

    booking = models.ForeignKey(
        "bookings.Booking",
        on_delete=models.PROTECT,
        related_name="payment_requests",
        verbose_name=_("booking"),
    )
    amount = models.DecimalField(
        _("amount"),
        **MONEY,
        validators=[MinValueValidator(Decimal("0.01"))],
        help_text=_(
            "In the booking's currency; at most its balance (add an extra to the total first)."
        ),
    )
    description = models.CharField(
        _("what for"),
        max_length=120,
        help_text=_("Shown to the traveller: an extra night, a horse."),
    )
    created_at = models.DateTimeField(_("asked"), default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("asked by"),
    )
    cancelled_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)

    objects = PaymentRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("payment asked for")
        verbose_name_plural = _("payments asked for")
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="payments_paymentrequest_amount_positive",
                violation_error_message=_("An amount to pay is more than 0."),
            ),
        ]

    def __str__(self):
        return f"#{self.booking_id} {self.amount} {self.description}"

    def clean(self):
        from django.core.exceptions import ValidationError

        booking = getattr(self, "booking", None)
        if booking is None or self.amount is None:
            return
        if not booking.is_live:
            raise ValidationError(_("This booking is cancelled: nothing can be asked for."))
        if self.amount > booking.balance:
            raise ValidationError(
                {
                    "amount": _(
                        "More than the balance (%(currency)s %(balance)s): add the extra to "
                        "the booking's total price first."
                    )
                    % {"currency": booking.currency, "balance": booking.balance}
                }
            )


class Checkout(models.Model):
    """One hosted checkout the site opened at a provider for a booking: what was asked, in the
    provider's currency, and what came of it. `reference` is our matching id, sent to the
    provider (PayPal's custom_id, Mercado Pago's external_reference) and read back from the
    payment the provider returns: a payment that names no checkout of ours is not recorded."""

    class Status(models.TextChoices):
        OPEN = "open", _("Waiting for the provider")
        PAID = "paid", _("Paid")
        FLAGGED = "flagged", _("Paid, not what was asked: staff to check")

    booking = models.ForeignKey(
        "bookings.Booking",
        on_delete=models.PROTECT,
        related_name="checkouts",
        verbose_name=_("booking"),
    )
    provider = models.CharField(_("provider"), max_length=20, choices=Provider.choices)
    reference = models.UUIDField(_("our reference"), default=uuid.uuid4, unique=True)
    request = models.ForeignKey(
        PaymentRequest,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="checkouts",
        editable=False,
        verbose_name=_("asked for by staff"),
    )
    description = models.CharField(_("what for"), max_length=120, blank=True)
    provider_checkout_id = models.CharField(
        _("provider's checkout id"), max_length=100, blank=True, editable=False
    )
    checkout_url = models.URLField(_("checkout address"), max_length=500, blank=True)
    amount = models.DecimalField(
        _("amount"),
        **MONEY,
        validators=[MinValueValidator(Decimal("0.01"))],
        help_text=_("In the booking's currency."),
    )
    currency = models.CharField(_("currency"), max_length=3)
    charged_amount = models.DecimalField(_("amount charged"), **MONEY)
    charged_currency = models.CharField(_("currency charged"), max_length=3)
    rate = models.DecimalField(
        _("exchange rate"), max_digits=10, decimal_places=4, null=True, blank=True
    )
    rate_on = models.DateField(_("rate of the day"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    provider_payment_id = models.CharField(
        _("provider's payment id"), max_length=100, blank=True, editable=False
    )
    received = models.CharField(
        _("received"),
        max_length=40,
        blank=True,
        editable=False,
        help_text=_("What the provider says was paid, when it differs from what was asked."),
    )
    payment = models.OneToOneField(
        "bookings.Payment",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="checkout",
        editable=False,
        verbose_name=_("payment recorded"),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("asked by"),
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("online checkout")
        verbose_name_plural = _("online checkouts")
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "provider_checkout_id"],
                condition=~Q(provider_checkout_id=""),
                name="payments_checkout_unique_provider_id",
            ),
            # One checkout per provider payment: a payment is flagged or recorded once.
            models.UniqueConstraint(
                fields=["provider", "provider_payment_id"],
                condition=~Q(provider_payment_id=""),
                name="payments_checkout_unique_provider_payment",
            ),
            models.CheckConstraint(
                condition=Q(amount__gt=0) & Q(charged_amount__gt=0),
                name="payments_checkout_amounts_positive",
                violation_error_message=_("An amount to pay is more than 0."),
            ),
            models.CheckConstraint(
                condition=Q(status__in=["open", "paid", "flagged"]),
                name="payments_checkout_status_valid",
            ),
        ]

    def __str__(self):
        return f"{self.get_provider_display()} {self.charged_currency} {self.charged_amount}"

    @property
    def asked(self):
        return f"{self.charged_currency} {self.charged_amount}"
