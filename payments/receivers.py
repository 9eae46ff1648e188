"""The payments app's part of the traveller's booking page (bookings.signals)."""

from django.template.loader import render_to_string
from django.urls import reverse

from . import providers, services
from .models import PaymentRequest


def _buttons(offered, booking, signed, amount):
    """One pay button per provider: the amount in the currency it charges, or why not."""
    buttons = []
    for provider in offered:
        action = reverse("payments:pay", kwargs={"signed": signed, "provider": provider.identifier})
        button = {"provider": provider, "action": action}
        try:
            button["amount"], button["currency"], button["rate"] = services.quote(
                provider=provider, booking=booking, amount=amount
            )
        except services.NoRateToday:
            button["no_rate"] = True
        buttons.append(button)
    return buttons


def pay_buttons(sender, *, request, booking, signed, **kwargs):
    """What is due now, the amounts staff asked for, and a button per provider for each;
    "" when no provider is set up (the page shows its payment instructions alone)."""
    offered = [p for p in providers.enabled() if p.can_charge(booking)]
    if not offered:
        return ""
    due = booking.due_now
    asked = [
        {"request": asked, "buttons": _buttons(offered, booking, signed, asked.amount)}
        for asked in PaymentRequest.objects.open().filter(booking=booking)
    ]
    context = {
        "booking": booking,
        "due": due,
        "is_deposit": booking.paid < booking.deposit_due,
        "buttons": _buttons(offered, booking, signed, due) if due > 0 else [],
        "asked": asked,
    }
    return render_to_string("payments/_pay.html", context, request=request)
