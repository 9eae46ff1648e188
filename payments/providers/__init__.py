"""The payment providers, registered here by their identifier (Provider in models)."""

from .mercadopago import MercadoPago
from .paypal import PayPal

PROVIDERS = {provider.identifier: provider for provider in (PayPal(), MercadoPago())}


def enabled():
    """The providers whose settings are set, in the order the booking page shows them."""
    return [provider for provider in PROVIDERS.values() if provider.is_enabled()]


def get(identifier):
    provider = PROVIDERS.get(identifier)
    return provider if provider is not None and provider.is_enabled() else None
