"""PayPal Checkout through the Orders v2 REST API (developer.paypal.com/docs/api/orders/v2/):
an order is created with our reference as its custom_id, the traveller approves it on PayPal,
and we capture it; a webhook is verified by PayPal's own verify-webhook-signature API and then
only tells us which order to fetch again.

Plain HTTP (httpx) rather than paypal-server-sdk: the SDK's API addresses are a class-level
table keyed by its Environment enum (no setting points it at a local test server), it reads a
.env file into os.environ when configured from the environment, and it has no call for the
webhook verification this needs. The four calls below are all we use."""

import hashlib
import json
from decimal import Decimal

from django.conf import settings
from django.core.cache import cache

from .base import BasePaymentProvider, Forged, ProviderError, RemotePayment, Started

# The headers PayPal signs a webhook delivery with (Webhooks API: verify-webhook-signature).
SIGNATURE_HEADERS = {
    "auth_algo": "PAYPAL-AUTH-ALGO",
    "cert_url": "PAYPAL-CERT-URL",
    "transmission_id": "PAYPAL-TRANSMISSION-ID",
    "transmission_sig": "PAYPAL-TRANSMISSION-SIG",
    "transmission_time": "PAYPAL-TRANSMISSION-TIME",
}
CAPTURED = {"COMPLETED", "PARTIALLY_REFUNDED", "REFUNDED", "REVERSED"}


class PayPal(BasePaymentProvider):
    identifier = "paypal"
    verbose_name = "PayPal"
    currency = "USD"
    charges = ("USD",)  # PayPal does not charge in soles

    def is_enabled(self):
        return bool(
            settings.PAYPAL_CLIENT_ID
            and settings.PAYPAL_CLIENT_SECRET
            and settings.PAYPAL_WEBHOOK_ID
        )

    def api_url(self):
        return settings.PAYPAL_API_URL

    def checkout_origins(self):
        return settings.PAYPAL_CHECKOUT_ORIGINS

    def _headers(self, **extra):
        return {"Authorization": f"Bearer {self._token()}", **extra}

    def _token(self):
        """An OAuth2 access token, kept in the shared cache until shortly before it expires
        (PayPal limits how often tokens are asked for), per API address and client id."""
        key = (
            "payments:paypal:token:"
            + hashlib.sha256(f"{self.api_url()}|{settings.PAYPAL_CLIENT_ID}".encode()).hexdigest()[
                :24
            ]
        )
        token = cache.get(key)
        if token:
            return token
        status, body = self._request(
            "POST",
            "/v1/oauth2/token",
            auth=(settings.PAYPAL_CLIENT_ID, settings.PAYPAL_CLIENT_SECRET),
            data={"grant_type": "client_credentials"},
        )
        if status != 200 or not isinstance(body.get("access_token"), str):
            raise ProviderError(self.identifier)
        lifetime = body.get("expires_in")
        if isinstance(lifetime, int) and lifetime > 600:
            cache.set(key, body["access_token"], lifetime - 300)
        return body["access_token"]

    def start(self, checkout, *, return_url, cancel_url, notify_url):
        booking = checkout.booking
        order = {
            "intent": "CAPTURE",
            "purchase_units": [
                {
                    "reference_id": f"booking-{booking.pk}",
                    "custom_id": str(checkout.reference),
                    "invoice_id": str(checkout.reference),
                    "description": checkout.description[:127] or str(booking.trek)[:127],
                    "amount": {
                        "currency_code": checkout.charged_currency,
                        "value": f"{checkout.charged_amount:.2f}",
                    },
                }
            ],
            "payment_source": {
                "paypal": {
                    "experience_context": {
                        "shipping_preference": "NO_SHIPPING",
                        "user_action": "PAY_NOW",
                        "locale": "es-PE" if booking.language == "es" else "en-US",
                        "return_url": return_url,
                        "cancel_url": cancel_url,
                    }
                }
            },
        }
        # PayPal-Request-Id makes the call idempotent: a retried create returns the same order.
        headers = self._headers(**{"PayPal-Request-Id": str(checkout.reference)})
        status, body = self._request("POST", "/v2/checkout/orders", json=order, headers=headers)
        links = {link.get("rel"): link.get("href") for link in body.get("links", [])}
        url = links.get("payer-action") or links.get("approve")
        if status not in (200, 201) or not body.get("id") or not url:
            raise ProviderError(self.identifier)
        return Started(checkout_id=body["id"], url=url)

    def fetch(self, checkout_id="", payment_id=""):
        headers = self._headers()
        status, order = self._request("GET", f"/v2/checkout/orders/{checkout_id}", headers=headers)
        if status == 404:
            return None
        if status != 200:
            raise ProviderError(self.identifier)
        if order.get("status") == "APPROVED":
            # Approved by the traveller, not yet ours: capture it (idempotent by its request
            # id, so a return and a webhook capturing at once capture once), then read again.
            capture_headers = self._headers(**{"PayPal-Request-Id": f"capture-{checkout_id}"})
            status, _captured = self._request(
                "POST",
                f"/v2/checkout/orders/{checkout_id}/capture",
                json={},
                headers=capture_headers,
            )
            if status not in (200, 201, 422):  # 422: captured already, or declined
                raise ProviderError(self.identifier)
            status, order = self._request(
                "GET", f"/v2/checkout/orders/{checkout_id}", headers=headers
            )
            if status != 200:
                raise ProviderError(self.identifier)
        return self._remote(order)

    def _remote(self, order):
        unit = (order.get("purchase_units") or [{}])[0]
        payments = unit.get("payments") or {}
        capture = next(
            (c for c in payments.get("captures", []) if c.get("status") in CAPTURED), None
        )
        amount = unit.get("amount") or {}
        if capture is None:
            state = (
                RemotePayment.State.FAILED
                if order.get("status") == "VOIDED"
                else RemotePayment.State.PENDING
            )
            return RemotePayment(
                reference=unit.get("custom_id", ""),
                checkout_id=order.get("id", ""),
                payment_id="",
                state=state,
                amount=Decimal(str(amount.get("value", "0"))),
                currency=amount.get("currency_code", ""),
            )
        paid = Decimal(str(capture["amount"]["value"]))
        if capture["status"] == "REVERSED":  # a chargeback: all of it is gone
            refunded = paid
        else:
            refunded = sum(
                (
                    Decimal(str(r["amount"]["value"]))
                    for r in payments.get("refunds", [])
                    if r.get("status") == "COMPLETED"
                ),
                Decimal(0),
            )
            if capture["status"] == "REFUNDED" and not refunded:
                refunded = paid
        return RemotePayment(
            reference=capture.get("custom_id") or unit.get("custom_id", ""),
            checkout_id=order.get("id", ""),
            payment_id=capture["id"],
            state=RemotePayment.State.COMPLETED,
            amount=paid,
            currency=capture["amount"]["currency_code"],
            refunded=min(refunded, paid),
        )

    def notification_ids(self, request):
        headers = {key: request.headers.get(name, "") for key, name in SIGNATURE_HEADERS.items()}
        if not all(headers.values()):
            raise Forged("unsigned")
        raw = request.body.decode("utf-8", errors="replace")
        try:
            event = json.loads(raw)
        except ValueError as error:
            raise Forged("not JSON") from error
        if not isinstance(event, dict):
            raise Forged("not an event")
        # The event goes back to PayPal byte for byte as it came: re-serialised JSON may differ
        # from what was signed.
        fields = {**headers, "webhook_id": settings.PAYPAL_WEBHOOK_ID}
        payload = json.dumps(fields)[:-1] + ', "webhook_event": ' + raw + "}"
        status, body = self._request(
            "POST",
            "/v1/notifications/verify-webhook-signature",
            content=payload.encode(),
            headers=self._headers(**{"Content-Type": "application/json"}),
        )
        if status != 200:
            raise ProviderError(self.identifier)
        if body.get("verification_status") != "SUCCESS":
            raise Forged("signature")
        order_id = self._order_id(event.get("resource") or {})
        return [(order_id, "")] if order_id else []

    def _order_id(self, resource):
        """The order an event is about: an order itself, a capture (its related order), or
        a refund (its capture, fetched, then that capture's order)."""
        related = (resource.get("supplementary_data") or {}).get("related_ids") or {}
        if related.get("order_id"):
            return related["order_id"]
        if resource.get("intent") and resource.get("id"):  # an order
            return resource["id"]
        up = next(
            (
                link["href"]
                for link in resource.get("links", [])
                if link.get("rel") == "up" and "/v2/payments/captures/" in link.get("href", "")
            ),
            "",
        )
        if up:
            capture_id = up.rstrip("/").rsplit("/", 1)[-1]
            status, capture = self._request(
                "GET", f"/v2/payments/captures/{capture_id}", headers=self._headers()
            )
            if status == 200:
                related = (capture.get("supplementary_data") or {}).get("related_ids") or {}
                return related.get("order_id", "")
        return ""
