"""One sandbox payment against the real providers, for a developer with sandbox credentials
(docs/payments.md); never run in CI, and refused with live credentials.

    manage.py payments_check                      # opens a 1.00 checkout per provider set up
    manage.py payments_check --fetch paypal:ORDER # after paying it in the sandbox
    manage.py payments_check --fetch mercadopago:PAYMENT_ID

It records nothing: no booking, checkout or payment is written, only what the provider's
API answers is printed.
"""

import uuid
from decimal import Decimal
from types import SimpleNamespace

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from payments import providers
from payments.providers.base import ProviderError


def _sandbox(provider):
    if provider.identifier == "paypal":
        return settings.PAYPAL_ENV == "sandbox"
    return settings.MERCADOPAGO_ACCESS_TOKEN.startswith("TEST-")


class Command(BaseCommand):
    help = "Open (or read back) one sandbox payment of 1.00 at each provider set up."

    def add_arguments(self, parser):
        parser.add_argument(
            "--fetch",
            metavar="PROVIDER:ID",
            help="Read back a payment: paypal:<order id> or mercadopago:<payment id>.",
        )

    def handle(self, *args, fetch=None, **options):
        enabled = providers.enabled()
        if not enabled:
            raise CommandError("No provider is set up: see docs/payments.md for the settings.")
        for provider in enabled:
            if not _sandbox(provider):
                raise CommandError(
                    f"{provider.verbose_name} is set up with live credentials: this check "
                    "runs in the sandbox only (PAYPAL_ENV=sandbox, a TEST- Mercado Pago token)."
                )
        try:
            if fetch:
                self._fetch(fetch)
            else:
                for provider in enabled:
                    self._start(provider)
        except ProviderError as error:
            raise CommandError(f"{error} did not answer (or refused the credentials).") from None

    def _start(self, provider):
        reference = uuid.uuid4()
        # What start() reads of a checkout and its booking, without writing either.
        checkout = SimpleNamespace(
            reference=reference,
            charged_amount=Decimal("1.00"),
            charged_currency=provider.currency,
            description="payments_check",
            booking=SimpleNamespace(pk=0, language="en", trek="payments_check"),
        )
        back = settings.SITE_URL + "/"
        started = provider.start(checkout, return_url=back, cancel_url=back, notify_url=back)
        self.stdout.write(
            f"{provider.verbose_name}: pay {provider.currency} 1.00 at {started.url}\n"
            f"  then: manage.py payments_check --fetch {provider.identifier}:"
            + (
                "<payment_id from the return address>"
                if provider.identifier == "mercadopago"
                else started.checkout_id
            )
        )

    def _fetch(self, fetch):
        identifier, _colon, remote_id = fetch.partition(":")
        provider = providers.get(identifier)
        if provider is None or not remote_id:
            raise CommandError("--fetch takes paypal:<order id> or mercadopago:<payment id>.")
        if identifier == "paypal":
            remote = provider.fetch(checkout_id=remote_id)
        else:
            remote = provider.fetch(payment_id=remote_id)
        if remote is None:
            raise CommandError(f"{provider.verbose_name} knows no such payment.")
        self.stdout.write(
            f"{provider.verbose_name}: {remote.state} {remote.currency} {remote.amount}, "
            f"refunded {remote.refunded}, payment {remote.payment_id or '-'}, "
            f"reference {remote.reference}"
        )
