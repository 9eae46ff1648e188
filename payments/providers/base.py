"""The shape every payment provider has, after pretix's BasePaymentProvider: a provider opens
a hosted checkout (`start`), is asked again for a payment whenever something says it changed
(`fetch`: after the traveller's return, on a notification), and reads its own notifications
(`notification_ids`: checked, then only a trigger to fetch). Nothing a browser or a
notification says is believed by itself: the payment recorded is what `fetch` got from the
provider's API."""

import functools
import json
import logging
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings

logger = logging.getLogger(__name__)


@functools.cache
def _client():
    """One client per process, made on the first call to a provider: it builds its TLS context
    (the CA bundle) once, not on every call, and keeps connections to the provider open between
    calls. Thread-safe; nothing in it is state another worker needs. Made and imported when
    first needed: not by gunicorn's master before it forks, and a worker that never takes a
    payment never loads httpx (about 8 MB)."""
    import httpx

    return httpx.Client(follow_redirects=False)


class ProviderError(Exception):
    """The provider did not answer, or answered with an error: nothing was recorded; the
    traveller is told to try again, and the provider retries its notification."""


class Forged(Exception):
    """A notification that is not signed, or not signed by the provider: refused."""


@dataclass(frozen=True)
class RemotePayment:
    """A payment as the provider's API describes it."""

    class State:
        COMPLETED = "completed"  # the money is ours (refunds, if any, in `refunded`)
        PENDING = "pending"  # approved, not yet captured or still being processed
        FAILED = "failed"  # refused, cancelled, expired

    reference: str  # our Checkout.reference, as the provider stored it
    checkout_id: str  # the provider's order or preference id ("" when it does not say)
    payment_id: str  # the provider's own id of the money moved (PayPal capture, MP payment)
    state: str
    amount: Decimal
    currency: str
    refunded: Decimal = Decimal(0)


@dataclass(frozen=True)
class Started:
    checkout_id: str
    url: str


class BasePaymentProvider:
    identifier = ""
    verbose_name = ""
    # The currency this provider charges in, and the booking currencies it can charge.
    currency = ""
    charges = ()

    def is_enabled(self):
        raise NotImplementedError

    def can_charge(self, booking):
        return booking.currency in self.charges

    def start(self, checkout, *, return_url, cancel_url, notify_url):
        """Open the hosted checkout; returns Started (the provider's id and where to send the
        traveller)."""
        raise NotImplementedError

    def fetch(self, checkout_id="", payment_id=""):
        """The payment as the provider has it now (capturing an approved PayPal order first)."""
        raise NotImplementedError

    def notification_ids(self, request):
        """What a notification points at, as (checkout_id, payment_id) pairs to fetch; raises
        Forged when its signature does not hold."""
        raise NotImplementedError

    def checkout_origins(self):
        """Where `start` may send the traveller (and the CSP form-action lets them go)."""
        raise NotImplementedError

    # --- HTTP ---------------------------------------------------------------------------------

    def _request(self, method, path, **kwargs):
        """One call to the provider's API, JSON with decimals kept exact. Any failure to get
        an answer (refused, timed out, 5xx) is a ProviderError naming the provider only."""
        url = self.api_url() + path
        import httpx

        try:
            response = _client().request(method, url, timeout=settings.PAYMENTS_TIMEOUT, **kwargs)
        except httpx.HTTPError as error:
            logger.warning("%s: %s %s failed: %s", self.identifier, method, path, type(error))
            raise ProviderError(self.identifier) from error
        if response.status_code >= 500:
            logger.warning(
                "%s: %s %s answered %s", self.identifier, method, path, response.status_code
            )
            raise ProviderError(self.identifier)
        try:
            body = json.loads(response.text or "{}", parse_float=Decimal)
        except ValueError as error:
            raise ProviderError(self.identifier) from error
        return response.status_code, body

    def api_url(self):
        raise NotImplementedError
