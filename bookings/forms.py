import unicodedata
from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from inquiries.validators import validate_multi_line, validate_single_line
from treks.models import MAX_SEATS, Departure

from .models import MONEY, Payment, Traveller

MAX_MONEY = Decimal("99999999.99")
# Dates are read as year-month-day only (operator_site/formats): 01/05/1990 is 1 May to some
# and 5 January to others, so it is refused with this rather than guessed.
DATE_FORMAT_MESSAGE = _("Enter the date as year-month-day, for example 1990-05-01.")


def _date_input():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class BookingFromInquiryForm(forms.Form):
    """Staff turn a request into a booking in one step."""

    departure = forms.ModelChoiceField(
        label=_("Departure"), queryset=Departure.objects.none(), required=False
    )
    private_date = forms.DateField(
        label=_("Or a private departure on"), required=False, widget=_date_input()
    )
    travellers = forms.IntegerField(label=_("Travellers"), min_value=1, max_value=MAX_SEATS)
    total_price = forms.DecimalField(
        label=_("Total price"), min_value=0, max_value=MAX_MONEY, **MONEY
    )
    deposit_percent = forms.DecimalField(
        label=_("Deposit (percent)"),
        required=False,
        min_value=0,
        max_value=100,
        max_digits=5,
        decimal_places=2,
    )
    deposit_amount = forms.DecimalField(
        label=_("or deposit (amount)"), required=False, min_value=0, max_value=MAX_MONEY, **MONEY
    )
    balance_due_date = forms.DateField(label=_("Balance due by"), widget=_date_input())
    payment_instructions = forms.CharField(
        label=_("Payment instructions"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        validators=[validate_multi_line],
        help_text=_("Bank transfer details or a payment link: the traveller sees them."),
    )

    def __init__(self, *args, inquiry, **kwargs):
        super().__init__(*args, **kwargs)
        self.inquiry = inquiry
        self.fields["departure"].queryset = Departure.objects.upcoming().filter(
            trek=inquiry.trek_id
        )

    def clean_private_date(self):
        day = self.cleaned_data["private_date"]
        if day and day < timezone.localdate():
            raise forms.ValidationError(_("The date cannot be in the past."), code="past")
        return day

    def clean(self):
        data = super().clean()
        departure, private = data.get("departure"), data.get("private_date")
        if "departure" in self.errors or "private_date" in self.errors:
            return data
        if bool(departure) == bool(private):
            raise forms.ValidationError(
                _("Choose a departure or a private date, one of the two."), code="one_date"
            )
        start = departure.start_date if departure else private
        due = data.get("balance_due_date")
        if due and due > start:
            self.add_error(
                "balance_due_date", _("The balance is due by the start date at the latest.")
            )
        total = data.get("total_price")
        percent, amount = data.get("deposit_percent"), data.get("deposit_amount")
        if percent is not None and amount is not None:
            self.add_error(
                "deposit_amount", _("Give the deposit as a percent or an amount, not both.")
            )
        elif total is not None:
            if amount is None:
                amount = (total * (percent or 0) / 100).quantize(Decimal("0.01"))
            if amount > total:
                self.add_error("deposit_amount", _("The deposit cannot be more than the total."))
            data["deposit_due"] = amount
        return data


class PaymentForm(forms.ModelForm):
    class Meta:
        model = Payment
        fields = ["amount", "paid_on", "method", "reference"]
        widgets = {"paid_on": _date_input()}

    def clean_paid_on(self):
        day = self.cleaned_data["paid_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(
                _("A payment cannot be dated in the future."), code="future"
            )
        return day

    def clean_reference(self):
        reference = self.cleaned_data["reference"]
        validate_single_line(reference)
        digits = sum(c.isdigit() for c in reference)
        # A card number typed by mistake must never be stored.
        if digits >= 13:
            raise forms.ValidationError(
                _("This looks like a card number: never record one. Use the bank's reference."),
                code="card_number",
            )
        return reference


# The oldest and youngest a traveller may be on the trail; beyond, it is a typo.
MAX_AGE_YEARS = 110


class TravellerForm(forms.ModelForm):
    """One traveller's ticket details. Every field may be left empty and saved: the traveller
    finishes later. What is filled must be right."""

    class Meta:
        model = Traveller
        fields = [
            "full_name",
            "nationality",
            "passport_number",
            "date_of_birth",
            "dietary_needs",
            "emergency_contact",
        ]
        widgets = {"date_of_birth": _date_input()}
        error_messages = {"date_of_birth": {"invalid": DATE_FORMAT_MESSAGE}}
        labels = {
            "full_name": _("Full name, exactly as in the passport"),
            "nationality": _("Nationality"),
            "passport_number": _("Passport number"),
            "date_of_birth": _("Date of birth"),
            "dietary_needs": _("Dietary needs (optional)"),
            "emergency_contact": _("Emergency contact: name and phone"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("full_name", "passport_number", "dietary_needs", "emergency_contact"):
            self.fields[name].validators.append(validate_single_line)
        self.fields["full_name"].widget.attrs.update(autocomplete="off")
        self.fields["passport_number"].widget.attrs.update(
            autocomplete="off", autocapitalize="characters", spellcheck="false"
        )

    def clean_full_name(self):
        name = self.cleaned_data["full_name"]
        # Zero-width spaces or joiners alone look empty and print nothing on a ticket.
        if name and not any(unicodedata.category(char).startswith("L") for char in name):
            raise forms.ValidationError(
                _("Write the name with its letters, exactly as in the passport."), code="no_letter"
            )
        return name

    def clean_passport_number(self):
        number = "".join(self.cleaned_data["passport_number"].split()).upper()
        if number and not (number.isascii() and number.isalnum() and 5 <= len(number) <= 20):
            raise forms.ValidationError(
                _("A passport number is 5 to 20 letters and digits, without spaces or dashes."),
                code="invalid_passport",
            )
        return number

    def clean_date_of_birth(self):
        born = self.cleaned_data["date_of_birth"]
        today = timezone.localdate()
        if born is None:
            return born
        if born > today:
            raise forms.ValidationError(
                _("The date of birth cannot be in the future."), code="future"
            )
        if today.year - born.year > MAX_AGE_YEARS:
            raise forms.ValidationError(_("Please check the year of birth."), code="too_old")
        return born


class TermsForm(forms.Form):
    accept = forms.BooleanField(
        label=_("I have read and accept the booking terms and conditions."),
        error_messages={"required": _("Tick the box to accept the terms.")},
    )
