"""Money in, once: a checkout opened at a provider, and what the provider then confirms.

A payment is recorded only from what the provider's API returns (`settle`), never from what a
browser or a notification says. The checkout row is locked while a payment is recorded, and
bookings.Payment holds the provider's payment id under a unique constraint, so a notification
and the traveller's return arriving at once (on several app servers) record it once. An
amount or currency other than what was asked is flagged for staff and not counted.
"""

import logging
import uuid

from django.conf import settings
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from bookings import services as booking_services
from bookings.models import Payment
from desk import history
from desk.models import EventKind
from outbox import mail as outbox
from outbox.models import Kind

from .models import Checkout, ExchangeRate, shown_money, to_cents
from .providers.base import ProviderError, RemotePayment

logger = logging.getLogger(__name__)


class Outcome:
    RECORDED = "recorded"  # a new payment, recorded now
    ALREADY = "already"  # recorded before (a replay, or the other of return and notification)
    REFUND = "refund"  # a refund or chargeback recorded now
    PENDING = "pending"  # the provider has not confirmed it yet
    FAILED = "failed"  # refused or cancelled at the provider
    FLAGGED = "flagged"  # paid, but not what was asked: staff check it
    UNKNOWN = "unknown"  # names no checkout of ours


class NoRateToday(Exception):
    """Charging in another currency needs today's exchange rate, and staff have not set it."""


class AmountChanged(Exception):
    """What is due changed since the page was shown (a payment came in meanwhile)."""


def quote(*, provider, booking, amount):
    """What `provider` charges for `amount` of the booking's currency: (amount, currency,
    ExchangeRate or None). Raises NoRateToday."""
    if booking.currency == provider.currency:
        return to_cents(amount), provider.currency, None
    rate = ExchangeRate.objects.for_day(
        timezone.localdate(), source=booking.currency, target=provider.currency
    )
    if rate is None:
        raise NoRateToday
    return rate.convert(amount), provider.currency, rate


def start_checkout(*, provider, booking, amount, urls, request=None, user=None):
    """Open a hosted checkout for `amount` (the booking's currency) and return it, its
    `checkout_url` where to send the traveller. `urls(checkout)` gives the return, cancel and
    notification addresses. Raises NoRateToday, or ProviderError with nothing kept."""
    charged, currency, rate = quote(provider=provider, booking=booking, amount=amount)
    checkout = Checkout.objects.create(
        booking=booking,
        provider=provider.identifier,
        amount=to_cents(amount),
        currency=booking.currency,
        charged_amount=charged,
        charged_currency=currency,
        rate=rate.rate if rate else None,
        rate_on=rate.valid_on if rate else None,
        request=request,
        description=request.description if request else "",
        created_by=user if user is not None and user.is_authenticated else None,
    )
    return_url, cancel_url, notify_url = urls(checkout)
    try:
        started = provider.start(
            checkout, return_url=return_url, cancel_url=cancel_url, notify_url=notify_url
        )
    except ProviderError:
        checkout.delete()  # nothing was opened at the provider: nothing to keep
        raise
    if not started.url.startswith(tuple(provider.checkout_origins())):
        checkout.delete()
        logger.error("%s: checkout address outside its origins", provider.identifier)
        raise ProviderError(provider.identifier)
    checkout.provider_checkout_id = started.checkout_id[:100]
    checkout.checkout_url = started.url[:500]
    checkout.save(update_fields=["provider_checkout_id", "checkout_url"])
    logger.info("booking %s: %s checkout %s opened", booking.pk, provider.identifier, checkout.pk)
    return checkout


def settle(*, provider, remote):
    """Record what the provider says of a payment: new money once, refunds as they grow, a
    differing amount flagged. Returns an Outcome."""
    if remote is None:
        return Outcome.UNKNOWN
    try:
        reference = uuid.UUID(remote.reference)
    except ValueError:
        logger.warning("%s: a payment that names no checkout of ours", provider.identifier)
        return Outcome.UNKNOWN
    with transaction.atomic():
        checkout = (
            Checkout.objects.select_for_update()
            .filter(provider=provider.identifier, reference=reference)
            .first()
        )
        if checkout is None or (
            remote.checkout_id and remote.checkout_id != checkout.provider_checkout_id
        ):
            logger.warning("%s: a payment for an unknown checkout", provider.identifier)
            return Outcome.UNKNOWN
        known = checkout.provider_payment_id
        if known and remote.payment_id != known:
            # Another payment for the same checkout (a Mercado Pago preference can be paid
            # twice): never counted, flagged once for staff.
            if remote.state == RemotePayment.State.COMPLETED:
                return _flag_another(checkout, provider, remote)
            return Outcome.PENDING
        if checkout.status == Checkout.Status.FLAGGED:
            return Outcome.FLAGGED
        if remote.state == RemotePayment.State.PENDING and checkout.payment_id is None:
            return Outcome.PENDING
        if remote.state == RemotePayment.State.FAILED and checkout.payment_id is None:
            return Outcome.FAILED
        outcome = Outcome.ALREADY
        if checkout.payment_id is None:
            if (remote.amount, remote.currency) != (
                checkout.charged_amount,
                checkout.charged_currency,
            ):
                _flag(checkout, provider, remote)
                return Outcome.FLAGGED
            if not _record(checkout, provider, remote):
                return Outcome.ALREADY
            outcome = Outcome.RECORDED
        if _refund(checkout, provider, remote):
            outcome = Outcome.REFUND if outcome == Outcome.ALREADY else outcome
    return outcome


def _record(checkout, provider, remote):
    booking = checkout.booking
    try:
        with transaction.atomic():  # a savepoint: the constraint is the last word
            payment = Payment.objects.create(
                booking=booking,
                amount=checkout.amount,
                paid_on=timezone.localdate(),
                method=provider.identifier,
                reference=remote.payment_id[:100],
                provider_reference=remote.payment_id[:100],
                charged=shown_money(remote.currency, remote.amount),
            )
    except IntegrityError:
        logger.info("%s: payment recorded already", provider.identifier)
        return False
    checkout.status = Checkout.Status.PAID
    checkout.payment = payment
    checkout.provider_payment_id = remote.payment_id[:100]
    checkout.save(update_fields=["status", "payment", "provider_payment_id"])
    text = f"{provider.verbose_name}: {checkout.asked} received"
    if checkout.currency != checkout.charged_currency:
        text += f" ({checkout.currency} {checkout.amount} at {checkout.rate})"
    history.record(
        inquiry=booking.inquiry_id,
        kind=EventKind.PAYMENT,
        text=f"{text}, payment {remote.payment_id}, booking #{booking.pk}",
    )
    if booking_services.follow_the_money(booking=booking) == booking.Status.CANCELLED:
        # Paid at the provider while (or after) the hold expired: the money is recorded as
        # it is the traveller's, and staff decide: book the seats again, or refund.
        _tell_staff(
            booking,
            f"{provider.verbose_name}: {checkout.asked} paid for booking #{booking.pk}, which is "
            "cancelled: book the seats again or refund it.",
        )
    _queue_receipt(checkout, payment)
    logger.info("booking %s: %s payment recorded", booking.pk, provider.identifier)
    return True


def _refund(checkout, provider, remote):
    """Bring the payment's refunded amount to what the provider says (in the booking's
    currency, in proportion to what was charged); True when it changed."""
    payment = Payment.objects.select_for_update().get(pk=checkout.payment_id)
    if remote.refunded >= remote.amount:
        refunded = payment.amount
    else:
        refunded = to_cents(payment.amount * remote.refunded / remote.amount)
    if refunded == payment.refunded:
        return False
    Payment.objects.filter(pk=payment.pk).update(refunded=refunded)
    booking = checkout.booking
    history.record(
        inquiry=booking.inquiry_id,
        kind=EventKind.PAYMENT,
        text=(
            f"{provider.verbose_name}: refunded {shown_money(remote.currency, remote.refunded)} of "
            f"payment {remote.payment_id} ({checkout.currency} {refunded}), "
            f"booking #{booking.pk}"
        ),
    )
    booking_services.follow_the_money(booking=booking)
    return True


def _flag(checkout, provider, remote):
    received = shown_money(remote.currency, remote.amount)
    Checkout.objects.filter(pk=checkout.pk).update(
        status=Checkout.Status.FLAGGED,
        received=received[:40],
        provider_payment_id=remote.payment_id[:100],
    )
    booking = checkout.booking
    text = (
        f"{provider.verbose_name}: {received} paid where {checkout.asked} was asked "
        f"(payment {remote.payment_id}, booking #{booking.pk}). Not counted: check it at "
        f"{provider.verbose_name} and record it by hand, or refund it."
    )
    _tell_staff(booking, text)
    logger.warning("booking %s: %s payment flagged", booking.pk, provider.identifier)


def _flag_another(checkout, provider, remote):
    """A second payment for one checkout: kept as a flagged checkout of its own (unique by
    the provider's payment id, so told once), for staff to refund or record by hand."""
    try:
        with transaction.atomic():
            Checkout.objects.create(
                booking=checkout.booking,
                provider=provider.identifier,
                description=f"Another payment for checkout {checkout.reference}",
                amount=checkout.amount,
                currency=checkout.currency,
                charged_amount=checkout.charged_amount,
                charged_currency=checkout.charged_currency,
                status=Checkout.Status.FLAGGED,
                provider_payment_id=remote.payment_id[:100],
                received=shown_money(remote.currency, remote.amount)[:40],
            )
    except IntegrityError:
        return Outcome.FLAGGED  # told already
    booking = checkout.booking
    _tell_staff(
        booking,
        f"{provider.verbose_name}: another payment ({shown_money(remote.currency, remote.amount)}, "
        f"payment {remote.payment_id}) for what was paid already (payment "
        f"{checkout.provider_payment_id}), booking #{booking.pk}. Not counted: refund it, "
        "or record it by hand.",
    )
    return Outcome.FLAGGED


def _tell_staff(booking, text):
    with translation.override(settings.LANGUAGE_CODE):  # staff's language
        booking_services.tell_staff(
            booking=booking,
            kind=EventKind.PAYMENT_FLAGGED,
            subject=_("A payment to check: booking #%(pk)d") % {"pk": booking.pk},
            text=text,
        )


def _queue_receipt(checkout, payment):
    booking = checkout.booking
    booking.refresh_from_db()
    paid = booking.paid
    with translation.override(booking.language):
        context = {
            "booking": booking,
            "checkout": checkout,
            "payment": payment,
            "paid": paid,
            "balance": booking.total_price - paid,
        }
        outbox.queue(
            kind=Kind.PAYMENT_RECEIPT,
            to=[booking.email],
            subject=_("Payment received: %(trek)s, %(date)s")
            % {"trek": booking.trek.name, "date": booking.start_date},
            body=render_to_string("payments/email/receipt.txt", context),
            language=booking.language,
            inquiry=booking.inquiry,
            booking=booking,
        )


def refresh(*, provider, checkout_id="", payment_id=""):
    """Fetch a payment from the provider and settle it. ProviderError goes up."""
    return settle(provider=provider, remote=provider.fetch(checkout_id, payment_id))


def notified(*, provider, request):
    """A notification: checked (providers raise Forged), then only a trigger to fetch what
    it names. Returns the outcomes; ProviderError goes up (the provider retries)."""
    return [
        refresh(provider=provider, checkout_id=checkout_id, payment_id=payment_id)
        for checkout_id, payment_id in provider.notification_ids(request)
    ]
