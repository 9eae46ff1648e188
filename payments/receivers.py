"""The payments app's part of the traveller's booking page (bookings.signals)."""

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from . import providers, services
from .models import ExchangeRate


def pay_buttons(sender, *, request, booking, signed, **kwargs):
    """What is due now and one button per provider, with the amount in the currency it will
    be charged in; "" when no provider is set up (the page shows its instructions alone)."""
    offered = [p for p in providers.enabled() if p.can_charge(booking)]
    if not offered:
        return ""
    due = booking.due_now
    buttons = []
    for provider in offered:
        button = {
            "provider": provider,
            "action": reverse(
                "payments:pay", kwargs={"signed": signed, "provider": provider.identifier}
            ),
        }
        try:
            button["amount"], button["currency"], button["rate"] = services.quote(
                provider=provider, booking=booking, amount=due
            )
        except services.NoRateToday:
            button["no_rate"] = True
        buttons.append(button)
    context = {
        "booking": booking,
        "due": due,
        "is_deposit": booking.paid < booking.deposit_due,
        "buttons": buttons,
        "today": timezone.localdate(),
        "rates_exist": ExchangeRate.objects.exists(),
    }
    return render_to_string("payments/_pay.html", context, request=request)
