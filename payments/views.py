"""The traveller pays (a POST that opens the provider's hosted checkout), comes back (the
payment fetched from the provider, never believed from the address), and the providers'
notifications (checked, then a trigger to fetch)."""

import logging

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from bookings import links
from operator_site.query import read

from . import providers, services
from .forms import MercadoPagoReturn, PayForm
from .models import Checkout
from .providers.base import Forged, ProviderError

logger = logging.getLogger(__name__)

# Where the traveller's return goes: the booking page they paid from, kept in their session so
# that the provider never sees the booking's link in a return address.
SESSION_KEY = "payments:back:{}"


def _provider_or_404(identifier):
    provider = providers.get(identifier)
    if provider is None:
        raise Http404
    return provider


class PayView(View):
    http_method_names = ["post"]

    def post(self, request, signed, provider):
        link = links.read(signed)
        if link is None or not link.booking.is_live:
            raise Http404
        provider = _provider_or_404(provider)
        booking = link.booking
        page = reverse("bookings:booking", kwargs={"signed": signed})
        if not provider.can_charge(booking):
            raise Http404
        if booking.due_now <= 0 and not request.POST.get("asked"):
            messages.info(request, _("Nothing is due now: thank you."))
            return redirect(page + "#pay")
        form = PayForm(request.POST, booking=booking)
        if not form.is_valid():
            for error in form.errors.get("__all__", []) + form.errors.get("asked", []):
                messages.error(request, error)
            if "amount" in form.errors:
                messages.error(
                    request, _("The amount to pay was not understood: nothing was charged.")
                )
            return redirect(page + "#pay")
        asked = form.cleaned_data["asked"]
        try:
            checkout = services.start_checkout(
                provider=provider,
                booking=booking,
                amount=form.cleaned_data["amount"],
                request=asked,
                urls=lambda checkout: _urls(provider, checkout),
            )
        except services.NoRateToday:
            messages.error(
                request,
                _(
                    "Paying in soles is not possible today: today's exchange rate is not set "
                    "yet. Please pay another way, or try again later."
                ),
            )
            return redirect(page + "#pay")
        except ProviderError:
            messages.error(
                request,
                _(
                    "%(provider)s is not answering right now: nothing was charged. Please try "
                    "again in a few minutes, or pay another way."
                )
                % {"provider": provider.verbose_name},
            )
            return redirect(page + "#pay")
        request.session[SESSION_KEY.format(checkout.reference)] = page
        response = redirect(checkout.checkout_url)
        response.status_code = 303
        return response


def _urls(provider, checkout):
    # From SITE_URL, the site's configured address, not the Host of this request.
    def absolute(name):
        kwargs = {"provider": provider.identifier, "reference": checkout.reference}
        return settings.SITE_URL + reverse(name, kwargs=kwargs)

    notify = settings.SITE_URL + reverse(f"payments_hooks:{provider.identifier}")
    return absolute("payments:back"), absolute("payments:cancelled"), notify


MESSAGES = {
    services.Outcome.RECORDED: (messages.SUCCESS, "received"),
    services.Outcome.ALREADY: (messages.SUCCESS, "received"),
    services.Outcome.REFUND: (messages.SUCCESS, "received"),
    services.Outcome.PENDING: (messages.INFO, "confirming"),
    services.Outcome.FAILED: (messages.ERROR, "failed"),
    services.Outcome.FLAGGED: (messages.WARNING, "flagged"),
    services.Outcome.UNKNOWN: (messages.INFO, "confirming"),
}


def _text(what, checkout):
    values = {"amount": checkout.asked, "provider": checkout.get_provider_display()}
    if what == "received":
        return _("Payment received: %(amount)s through %(provider)s. Thank you!") % values
    if what == "failed":
        return _("%(provider)s did not take the payment: nothing was charged.") % values
    if what == "flagged":
        return (
            _(
                "%(provider)s sent a payment other than the %(amount)s asked: we are checking it "
                "and will write to you."
            )
            % values
        )
    return (
        _(
            "Your payment of %(amount)s is being confirmed by %(provider)s: this page shows it "
            "once it is, and we e-mail you a receipt."
        )
        % values
    )


class BackView(View):
    """The traveller back from the checkout. Nothing here is recorded from the address: the
    payment is fetched from the provider (PayPal: captured first) and settled from that."""

    http_method_names = ["get", "head"]

    def get(self, request, provider, reference):
        provider = _provider_or_404(provider)
        checkout = get_object_or_404(
            Checkout.objects.select_related("booking"),
            provider=provider.identifier,
            reference=reference,
        )
        payment_id = ""
        if provider.identifier == "mercadopago":
            payment_id = (
                read(MercadoPagoReturn.base_fields["payment_id"], request.GET.get("payment_id"))
                or ""
            )
        try:
            if provider.identifier == "mercadopago" and not payment_id:
                outcome = services.Outcome.PENDING
            else:
                outcome = services.refresh(
                    provider=provider,
                    checkout_id=checkout.provider_checkout_id,
                    payment_id=payment_id,
                )
        except ProviderError:
            outcome = services.Outcome.PENDING  # the notification will bring it
        checkout.refresh_from_db()
        level, what = MESSAGES[outcome]
        return self._back(request, checkout, level, _text(what, checkout))

    @staticmethod
    def _back(request, checkout, level, text):
        page = request.session.get(SESSION_KEY.format(checkout.reference))
        if page:
            messages.add_message(request, level, text)
            return redirect(page + "#pay")
        # Another browser than the one that paid: no link to the booking here, only the news.
        return TemplateResponse(request, "payments/back.html", {"text": text}, status=200)


class CancelledView(BackView):
    def get(self, request, provider, reference):
        provider = _provider_or_404(provider)
        checkout = get_object_or_404(Checkout, provider=provider.identifier, reference=reference)
        return self._back(
            request,
            checkout,
            messages.INFO,
            _("You left the %(provider)s checkout: nothing was paid.")
            % {"provider": provider.verbose_name},
        )


@csrf_exempt
@require_POST
def notification(request, provider):
    """A provider's notification. 200 once handled (an unknown payment too: there is nothing
    to retry), 400 when forged or unsigned, 503 when the provider cannot be asked (it retries
    later)."""
    provider = _provider_or_404(provider)
    try:
        outcomes = services.notified(provider=provider, request=request)
    except Forged as error:
        logger.warning("%s: notification refused (%s)", provider.identifier, error)
        return HttpResponse(status=400)
    except ProviderError:
        return HttpResponse(status=503, headers={"Retry-After": "60"})
    logger.info("%s: notification handled: %s", provider.identifier, ",".join(outcomes) or "-")
    return HttpResponse(status=200)
