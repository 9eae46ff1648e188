from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Div, Field, Layout, Row, Submit
from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import tokens
from .models import MAX_GROUP_SIZE, TRAVELLER_FIELDS, Inquiry
from .validators import validate_multi_line, validate_single_line

# People plan the Inca Trail a year or more ahead; beyond three years it is a typo.
MAX_YEARS_AHEAD = 3
# A person needs longer than this to fill the form; bots post at once.
MIN_FILL_SECONDS = 2


def _years_later(day, years):
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


class InquiryForm(forms.ModelForm):
    """The request form, on every trek page (with its trek) and at /contact/ (without).

    Two hidden fields never reach the model: `form_token` (signed idempotency key and render
    time, see tokens.py) and `website`, a honeypot that people never see and bots fill in.
    """

    required_css_class = "required"

    form_token = forms.CharField(widget=forms.HiddenInput, required=False)
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    class Meta:
        model = Inquiry
        fields = list(TRAVELLER_FIELDS)
        widgets = {
            "travel_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "message": forms.Textarea(attrs={"rows": 4}),
        }
        labels = {
            "travel_date": _("Date of travel"),
            "group_size": _("Number of people"),
            "lead_source": _("How did you hear about us?"),
            "name": _("Your name"),
            "email": _("E-mail"),
            "phone": _("Phone or WhatsApp (optional)"),
            "country": _("Country (optional)"),
            "message": _("Your message (optional)"),
        }
        help_texts = {
            "phone": _("With the country code, e.g. +44 7700 900123."),
        }

    @staticmethod
    def limits(trek):
        """(largest group, today, latest date of travel) of a form about `trek` (or none)."""
        today = timezone.localdate()  # Cusco's today (TIME_ZONE is America/Lima)
        max_people = trek.group_size_max if trek else MAX_GROUP_SIZE
        return max_people, today, _years_later(today, MAX_YEARS_AHEAD)

    def __init__(self, *args, trek=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.trek = trek
        self.max_people, self.today, self.latest_date = self.limits(trek)

        date = self.fields["travel_date"]
        date.widget.attrs.update(min=self.today.isoformat(), max=self.latest_date.isoformat())
        people = self.fields["group_size"]
        people.min_value, people.max_value = 1, self.max_people
        people.validators += [MinValueValidator(1), MaxValueValidator(self.max_people)]
        people.widget.attrs.update(min=1, max=self.max_people, inputmode="numeric")
        people.help_text = _("Up to %(max)d in one group.") % {"max": self.max_people}
        self.fields["lead_source"].choices = [("", _("Choose one")), *Inquiry.LeadSource.choices]
        self.fields["name"].widget.attrs.update(autocomplete="name")
        self.fields["email"].widget.attrs.update(autocomplete="email")
        self.fields["phone"].widget.attrs.update(autocomplete="tel", inputmode="tel")
        self.fields["country"].widget.attrs.update(autocomplete="country-name")
        for name in ("name", "phone", "country"):
            self.fields[name].validators.append(validate_single_line)
        self.fields["message"].validators.append(validate_multi_line)
        # Keep the token of the form the traveller filled, so a re-POST after an error is
        # still recognised as the same request; a fresh form gets a fresh token.
        if not self.is_bound and "form_token" not in self.initial:
            self.initial["form_token"] = tokens.new_form_token()
        self.helper = self._helper()

    def _helper(self):
        helper = FormHelper()
        helper.form_tag = False
        helper.disable_csrf = True  # the template writes {% csrf_token %} inside its <form>
        helper.layout = Layout(
            Row(
                Column(Field("travel_date"), css_class="col-sm-6 col-lg-12"),
                Column(Field("group_size"), css_class="col-sm-6 col-lg-12"),
            ),
            "lead_source",
            "name",
            "email",
            "phone",
            "country",
            "message",
            "form_token",
            # display:none hides it from people and screen readers alike; bots read the HTML.
            Div("website", css_class="d-none", aria_hidden="true"),
            Submit("submit", _("Send my request"), css_class="w-100"),
        )
        return helper

    def clean_travel_date(self):
        day = self.cleaned_data["travel_date"]
        if day < self.today:
            raise forms.ValidationError(_("The date of travel cannot be in the past."), code="past")
        if day > self.latest_date:
            raise forms.ValidationError(
                _("Please choose a date within %(years)d years.") % {"years": MAX_YEARS_AHEAD},
                code="too_far",
            )
        return day

    def clean_phone(self):
        phone = " ".join(self.cleaned_data["phone"].split())
        if not phone:
            return phone
        allowed = set("0123456789+-(). ")
        digits = sum(c.isdigit() for c in phone)
        if any(c not in allowed for c in phone) or not 6 <= digits <= 15:
            raise forms.ValidationError(
                _("Use digits, spaces and + ( ) - only, with the country code."),
                code="invalid_phone",
            )
        return phone

    # What the view needs to tell people from bots; never raises, a bot must not learn why.
    @property
    def token_data(self):
        return tokens.read_form_token(self.data.get(self.add_prefix("form_token"), ""))

    def spam_reason(self):
        """Why this submission looks like a bot's, or None for a person."""
        if self.data.get(self.add_prefix("website"), ""):
            return "honeypot"
        token = self.token_data
        if token is None:
            return "bad_token"
        if token[1] < MIN_FILL_SECONDS:
            return "too_fast"
        return None
