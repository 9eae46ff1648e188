from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Div, Field, Layout, Row, Submit
from django import forms
from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from treks.models import Departure, Trek

from . import tokens
from .models import MAX_GROUP_SIZE, TRAVELLER_FIELDS, Inquiry
from .validators import (
    invisible_character,
    normalise_email_domain,
    validate_has_visible_text,
    validate_multi_line,
    validate_single_line,
)

# People plan the Inca Trail a year or more ahead; beyond three years it is a typo.
MAX_YEARS_AHEAD = 3
# A person needs longer than this to fill the form; bots post at once.
MIN_FILL_SECONDS = 2


class TravellerEmailField(forms.EmailField):
    """An e-mail address as it will be used: no invisible characters (a left-to-right mark
    from copy and paste made every e-mail to the address fail; a right-to-left override made
    admin show another address; a zero-width space was dropped when sending, so mail went to
    an address other than the one shown), and the domain in its one IDNA form, so that what
    staff see is what is sent."""

    def to_python(self, value):
        value = super().to_python(value)
        char = invisible_character(value)
        if char is not None:
            raise forms.ValidationError(
                _(
                    "The address contains an invisible character (%(name)s), which copy and "
                    "paste often brings along. Please type the address again by hand."
                )
                % {"name": f"U+{ord(char):04X}"},
                code="invisible_character",
            )
        return normalise_email_domain(value)


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
        field_classes = {"email": TravellerEmailField}
        widgets = {
            "travel_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "message": forms.Textarea(attrs={"rows": 4}),
        }
        labels = {
            "departure": _("Departure"),
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
            "travel_date": _("Your own date, if you choose no departure above."),
            "phone": _("With the country code, e.g. +44 7700 900123."),
        }

    @staticmethod
    def limits(trek):
        """(most people one request may be for, today, latest date of travel). The trek's own
        largest group is no limit: more is a large-group request (Inquiry.is_large_group)."""
        today = timezone.localdate()  # Cusco's today (TIME_ZONE is America/Lima)
        return MAX_GROUP_SIZE, today, _years_later(today, MAX_YEARS_AHEAD)

    def __init__(self, *args, trek=None, departures=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.trek = trek
        self.trek_choices = []
        self.max_people, self.today, self.latest_date = self.limits(trek)
        # The trek page passes the departures it lists (no query of its own); a POST loads them.
        if departures is None:
            departures = self.trek_departures(trek)
        self.departures = departures
        if trek is None:
            del self.fields["departure"]
            # The contact page asks which trek, if any: staff then answer about that trek.
            # One query when the page is built (the page cache keeps it: Trek is watched);
            # choices from a list, so that the tag can key the rendered fields on them.
            self.trek_choices = list(Trek.objects.published())
            self.fields["trek"] = forms.TypedChoiceField(
                label=_("Trek"),
                required=False,
                coerce=int,
                empty_value=None,
                choices=[
                    ("", _("No trek in particular")),
                    *((t.pk, t.name) for t in self.trek_choices),
                ],
                error_messages={
                    "invalid_choice": _("Choose one of the treks in the list, or none.")
                },
            )
        else:
            # Choices from the list, not a queryset: rendering the form costs no query.
            self.fields["departure"] = forms.TypedChoiceField(
                label=_("Departure"),
                required=False,
                coerce=int,
                empty_value=None,
                choices=[
                    ("", _("A date of my choice (private departure)")),
                    *((d.pk, self.departure_label(d)) for d in departures),
                ],
            )
        self.fields["travel_date"].required = trek is None

        date = self.fields["travel_date"]
        date.widget.attrs.update(min=self.today.isoformat(), max=self.latest_date.isoformat())
        people = self.fields["group_size"]
        people.min_value, people.max_value = 1, self.max_people
        # The model field's own "≥ 0" bound is replaced, not added to: -1 and 0 get the same
        # one message (they used to get "≥ 0" and "≥ 1").
        people.validators = [
            v for v in people.validators if not isinstance(v, MinValueValidator | MaxValueValidator)
        ] + [
            MinValueValidator(1, message=_("A group is at least 1 person.")),
            MaxValueValidator(
                self.max_people,
                message=_(
                    "Up to %(max)d people in one request; for a larger party, please call or "
                    "write to us."
                )
                % {"max": self.max_people},
            ),
        ]
        people.widget.attrs.update(min=1, max=self.max_people, inputmode="numeric")
        if trek is not None:
            people.help_text = _(
                "Up to %(max)d in one group; a larger group is welcome too: we plan it with "
                "you as a large-group request."
            ) % {"max": trek.group_size_max}
        else:
            people.help_text = _(
                "A group larger than the trek's own groups is welcome: we plan it with you as "
                "a large-group request."
            )
        self.fields["lead_source"].choices = [("", _("Choose one")), *Inquiry.LeadSource.choices]
        self.fields["name"].widget.attrs.update(autocomplete="name")
        self.fields["email"].widget.attrs.update(autocomplete="email")
        self.fields["phone"].widget.attrs.update(autocomplete="tel", inputmode="tel")
        self.fields["country"].widget.attrs.update(autocomplete="country-name")
        for name in ("name", "phone", "country"):
            self.fields[name].validators.append(validate_single_line)
        self.fields["message"].validators.append(validate_multi_line)
        self.fields["name"].validators.append(validate_has_visible_text)
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
            *(["departure"] if "departure" in self.fields else []),
            *(["trek"] if "trek" in self.fields else []),
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

    @staticmethod
    def trek_departures(trek):
        if trek is None:
            return []
        from treks.views import NEXT_DEPARTURES

        return list(Departure.objects.upcoming().filter(trek=trek)[:NEXT_DEPARTURES])

    @staticmethod
    def departure_label(departure):
        day = date_format(departure.start_date, "D j M Y")
        if not departure.seats_left:
            return _("%(date)s · full") % {"date": day}
        left = ngettext("%(n)d seat left", "%(n)d seats left", departure.seats_left) % {
            "n": departure.seats_left
        }
        return f"{day} · {left}"

    def clean_trek(self):
        pk = self.cleaned_data.get("trek")
        return next((t for t in self.trek_choices if t.pk == pk), None)

    def clean_departure(self):
        pk = self.cleaned_data.get("departure")
        return next((d for d in self.departures if d.pk == pk), None)

    def clean(self):
        data = super().clean()
        departure = data.get("departure")
        if departure is not None:
            # The departure's date is the date of travel, whatever the date field says.
            data["travel_date"] = departure.start_date
            self.errors.pop("travel_date", None)
            people = data.get("group_size")
            if people and people > departure.seats_left:
                self.add_error("group_size", self.no_room_message(departure, people))
        elif self.trek is not None and data.get("travel_date") is None:
            if "travel_date" not in self.errors:
                self.add_error(
                    "travel_date",
                    forms.ValidationError(
                        _("Choose one of the departures above, or the date you would like."),
                        code="no_date",
                    ),
                )
        else:
            data.setdefault("departure", None)
        return data

    def no_room_message(self, departure, people):
        """Not a bare refusal: the next departure with room, or a private departure."""
        day = date_format(departure.start_date, "j F Y")
        if departure.seats_left:
            text = ngettext(
                "Only %(left)d seat is left on %(date)s.",
                "Only %(left)d seats are left on %(date)s.",
                departure.seats_left,
            ) % {"left": departure.seats_left, "date": day}
        else:
            text = _("The departure of %(date)s is full.") % {"date": day}
        later = next(
            (
                d
                for d in self.departures
                if d.start_date > departure.start_date and d.seats_left >= people
            ),
            None,
        )
        if later is not None:
            return (
                text
                + " "
                + _(
                    "The next departure with room for %(people)d is on %(date)s: choose it above, "
                    "or choose “A date of my choice” for a private departure."
                )
                % {"people": people, "date": date_format(later.start_date, "j F Y")}
            )
        return (
            text
            + " "
            + _(
                "No later departure has room for %(people)d yet: choose “A date of my choice” to "
                "ask for a private departure for your group."
            )
            % {"people": people}
        )

    def clean_travel_date(self):
        day = self.cleaned_data["travel_date"]
        if day is None:
            return day
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

    def token_expired(self):
        """A genuine token older than INQUIRY_FORM_TOKEN_MAX_AGE: a page left open for days.
        The traveller is asked to press send again (with everything typed kept), never
        dropped."""
        token = self.token_data
        return token is not None and token[1] > settings.INQUIRY_FORM_TOKEN_MAX_AGE

    def spam_reason(self):
        """Why this submission looks like a bot's (an Inquiry.SpamReason), or "" for a
        person. Such requests are stored all the same, marked, for staff to look at."""
        if self.data.get(self.add_prefix("website"), ""):
            return Inquiry.SpamReason.HONEYPOT
        token = self.token_data
        if token is None:
            return Inquiry.SpamReason.BAD_TOKEN
        if token[1] < MIN_FILL_SECONDS:
            return Inquiry.SpamReason.TOO_FAST
        return ""
