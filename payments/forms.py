from django import forms
from django.utils.translation import gettext_lazy as _

from bookings.forms import MAX_MONEY

from .models import MONEY, PaymentRequest


class PayForm(forms.Form):
    """A pay button: the amount the page showed comes back, so that a traveller is never
    charged an amount other than the one they saw; `asked` names an amount staff asked for
    (else it is what is due now: the deposit, then the balance)."""

    amount = forms.DecimalField(min_value=0.01, max_value=MAX_MONEY, **MONEY)
    asked = forms.ModelChoiceField(queryset=PaymentRequest.objects.none(), required=False)

    def __init__(self, *args, booking, **kwargs):
        super().__init__(*args, **kwargs)
        self.booking = booking
        self.fields["asked"].queryset = PaymentRequest.objects.open().filter(booking=booking)

    def clean(self):
        data = super().clean()
        asked = data.get("asked")
        due = asked.amount if asked else self.booking.due_now
        if "amount" in data and data["amount"] != due:
            raise forms.ValidationError(
                _("What is due has changed since the page was shown: see the new amount."),
                code="changed",
            )
        return data


class MercadoPagoReturn(forms.Form):
    """What Mercado Pago adds to the return address; only the payment id is used (to fetch
    the payment), and it is a number."""

    payment_id = forms.RegexField(regex=r"^[0-9]{1,30}$", max_length=30, required=False)
