from django import forms
from django.utils.translation import gettext_lazy as _

from bookings.forms import MAX_MONEY

from .models import MONEY


class PayForm(forms.Form):
    """The pay button: the amount the page showed comes back, so that a traveller is never
    charged an amount other than the one they saw."""

    amount = forms.DecimalField(min_value=0.01, max_value=MAX_MONEY, **MONEY)

    def __init__(self, *args, due, **kwargs):
        super().__init__(*args, **kwargs)
        self.due = due

    def clean_amount(self):
        amount = self.cleaned_data["amount"]
        if amount != self.due:
            raise forms.ValidationError(
                _("What is due has changed since the page was shown: see the new amount."),
                code="changed",
            )
        return amount


class MercadoPagoReturn(forms.Form):
    """What Mercado Pago adds to the return address; only the payment id is used (to fetch
    the payment), and it is a number."""

    payment_id = forms.RegexField(regex=r"^[0-9]{1,30}$", max_length=30, required=False)
