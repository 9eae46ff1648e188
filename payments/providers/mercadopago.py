"""Mercado Pago Checkout Pro (mercadopago.com.pe/developers): a preference with our reference
as its external_reference, the traveller pays on Mercado Pago (cards, Yape, PagoEfectivo), and
a notification signed with `x-signature` (HMAC-SHA256 of
"id:<data.id>;request-id:<x-request-id>;ts:<ts>;" with the webhook secret) names the payment,
which we then GET from the Payments API.

Plain HTTP (httpx) rather than the `mercadopago` SDK: its API address is a private class
attribute (Config.__api_base_url), so pointing it at a local test server would mean patching
the SDK's internals; and it has no notification signature check. We use two calls."""

import hashlib
import hmac
import re
from decimal import Decimal

from django.conf import settings

from .base import BasePaymentProvider, Forged, ProviderError, RemotePayment, Started

STATES = {
    "approved": RemotePayment.State.COMPLETED,
    "refunded": RemotePayment.State.COMPLETED,  # with all of it refunded
    "charged_back": RemotePayment.State.COMPLETED,  # likewise
    "pending": RemotePayment.State.PENDING,
    "in_process": RemotePayment.State.PENDING,
    "authorized": RemotePayment.State.PENDING,
    "in_mediation": RemotePayment.State.PENDING,
}
PAYMENT_ID = re.compile(r"^[0-9]{1,30}$")


def manifest(data_id, request_id, ts):
    """The string Mercado Pago signs (its "Webhooks: validate the origin" guide); an
    alphanumeric data.id is signed in lower case."""
    return f"id:{data_id.lower()};request-id:{request_id};ts:{ts};"


def signature(secret, data_id, request_id, ts):
    return hmac.new(
        secret.encode(), manifest(data_id, request_id, ts).encode(), hashlib.sha256
    ).hexdigest()


class MercadoPago(BasePaymentProvider):
    identifier = "mercadopago"
    verbose_name = "Mercado Pago"
    currency = "PEN"
    charges = ("PEN", "USD")  # dollars at the day's exchange rate

    def is_enabled(self):
        return bool(settings.MERCADOPAGO_ACCESS_TOKEN and settings.MERCADOPAGO_WEBHOOK_SECRET)

    def api_url(self):
        return settings.MERCADOPAGO_API_URL

    def checkout_origins(self):
        return settings.MERCADOPAGO_CHECKOUT_ORIGINS

    def _headers(self, **extra):
        return {"Authorization": f"Bearer {settings.MERCADOPAGO_ACCESS_TOKEN}", **extra}

    def start(self, checkout, *, return_url, cancel_url, notify_url):
        booking = checkout.booking
        preference = {
            "items": [
                {
                    "id": f"booking-{booking.pk}",
                    "title": (checkout.description or str(booking.trek))[:250],
                    "quantity": 1,
                    "currency_id": checkout.charged_currency,
                    "unit_price": float(checkout.charged_amount),
                }
            ],
            "external_reference": str(checkout.reference),
            "back_urls": {"success": return_url, "pending": return_url, "failure": cancel_url},
            "auto_return": "approved",
            "notification_url": notify_url,
        }
        status, body = self._request(
            "POST",
            "/checkout/preferences",
            json=preference,
            headers=self._headers(**{"X-Idempotency-Key": str(checkout.reference)}),
        )
        # Test credentials (TEST-...) pay on the sandbox checkout.
        sandbox = settings.MERCADOPAGO_ACCESS_TOKEN.startswith("TEST-")
        url = body.get("sandbox_init_point" if sandbox else "init_point")
        if status not in (200, 201) or not body.get("id") or not url:
            raise ProviderError(self.identifier)
        return Started(checkout_id=body["id"], url=url)

    def fetch(self, checkout_id="", payment_id=""):
        if not PAYMENT_ID.match(payment_id or ""):
            return None
        status, payment = self._request(
            "GET", f"/v1/payments/{payment_id}", headers=self._headers()
        )
        if status == 404:
            return None
        if status != 200:
            raise ProviderError(self.identifier)
        amount = Decimal(str(payment.get("transaction_amount", "0")))
        state = STATES.get(payment.get("status"), RemotePayment.State.FAILED)
        if payment.get("status") in ("refunded", "charged_back"):
            refunded = amount
        else:
            refunded = Decimal(str(payment.get("transaction_amount_refunded") or "0"))
        return RemotePayment(
            reference=payment.get("external_reference") or "",
            checkout_id="",  # a payment does not always name its preference
            payment_id=str(payment.get("id", "")),
            state=state,
            amount=amount,
            currency=payment.get("currency_id", ""),
            refunded=min(refunded, amount),
        )

    def notification_ids(self, request):
        data_id = request.GET.get("data.id", "")
        header = request.headers.get("x-signature", "")
        request_id = request.headers.get("x-request-id", "")
        parts = dict(part.strip().split("=", 1) for part in header.split(",") if "=" in part)
        ts, v1 = parts.get("ts", ""), parts.get("v1", "")
        if not (data_id and request_id and ts and v1):
            raise Forged("unsigned")
        expected = signature(settings.MERCADOPAGO_WEBHOOK_SECRET, data_id, request_id, ts)
        if not hmac.compare_digest(expected, v1.lower()):
            raise Forged("signature")
        if request.GET.get("type", "") != "payment":
            return []  # merchant orders and others: nothing to record
        return [("", data_id)]
