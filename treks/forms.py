"""The catalogue's filters: a plain Form over GET parameters, so every filtered list is a URL.

A value the form does not know (a typo, a stale link, garbage) is dropped and named in a notice:
the visitor still gets the catalogue, never an error page.
"""

import datetime

from django import forms
from django.db import transaction
from django.db.models import Exists, F, OuterRef
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from operator_site import pagecache

from .models import MAX_SEATS, Departure, Destination, TravelStyle, Trek

# Longer values are not even looked up: no slug or choice is this long.
MAX_VALUE_LENGTH = 100


class TrekFilterForm(forms.Form):
    DURATIONS = {
        "short": (1, 3),
        "medium": (4, 5),
        "long": (6, 30),
    }
    SORTS = {
        "popular": ("popularity", "name"),
        "duration": ("days_total", "popularity", "name"),
        "price": (F("price_from").asc(nulls_last=True), "popularity", "name"),
    }

    destination = forms.ModelChoiceField(
        label=_("Destination"),
        queryset=Destination.objects.all(),
        to_field_name="slug",
        required=False,
        empty_label=_("Any destination"),
    )
    style = forms.ModelChoiceField(
        label=_("Travel style"),
        queryset=TravelStyle.objects.all(),
        to_field_name="slug",
        required=False,
        empty_label=_("Any style"),
    )
    duration = forms.ChoiceField(
        label=_("Duration"),
        required=False,
        choices=[
            ("", _("Any length")),
            ("short", _("1 to 3 days")),
            ("medium", _("4 or 5 days")),
            ("long", _("6 days or more")),
        ],
    )
    difficulty = forms.ChoiceField(
        label=_("Difficulty"),
        required=False,
        choices=[("", _("Any difficulty")), *Trek.Difficulty.choices],
    )
    max_altitude = forms.TypedChoiceField(
        label=_("Highest point"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[
            ("", _("Any altitude")),
            ("4000", _("Up to 4,000 m")),
            ("4500", _("Up to 4,500 m")),
            ("5000", _("Up to 5,000 m")),
        ],
    )
    no_permit = forms.BooleanField(label=_("No permit needed"), required=False)
    month = forms.ChoiceField(label=_("Departure month"), required=False)
    guaranteed = forms.BooleanField(label=_("Guaranteed departure"), required=False)
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[
            ("popular", _("Most popular")),
            ("duration", _("Shortest first")),
            ("price", _("Lowest price first")),
        ],
    )

    # How many months ahead the month filter offers, this month included.
    MONTHS_AHEAD = 12

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = timezone.localdate()  # Cusco's: the months offered start with its month
        first = self.today.replace(day=1)
        months = []
        for n in range(self.MONTHS_AHEAD):
            year, month = divmod(first.month - 1 + n, 12)
            months.append(first.replace(year=first.year + year, month=month + 1))
        self.fields["month"].choices = [
            ("", _("Any month")),
            *((f"{day:%Y-%m}", date_format(day, "YEAR_MONTH_FORMAT")) for day in months),
        ]

    @classmethod
    def from_query(cls, query):
        """Bind to the last value of each known parameter; unknown parameters are ignored."""
        data = {}
        oversized = []
        for name in cls.base_fields:
            value = query.get(name)
            if value is None:
                continue
            # NUL cannot reach PostgreSQL, and nothing legitimate is that long.
            if len(value) > MAX_VALUE_LENGTH or "\x00" in value:
                oversized.append(name)
                continue
            data[name] = value
        form = cls(data)
        form.oversized = oversized
        return form

    def ignored_fields(self):
        """Labels of the parameters whose value was not understood, for the notice."""
        if not self.is_bound:
            return []
        self.is_valid()
        names = [*self.errors, *self.oversized]
        return [self.fields[name].label for name in self.fields if name in names]

    def filter(self, treks):
        self.is_valid()
        data = self.cleaned_data
        if data.get("destination"):
            treks = treks.filter(destination=data["destination"])
        if data.get("style"):
            treks = treks.filter(styles=data["style"])
        if data.get("duration"):
            low, high = self.DURATIONS[data["duration"]]
            treks = treks.filter(days_total__gte=low, days_total__lte=high)
        if data.get("difficulty"):
            treks = treks.filter(difficulty=data["difficulty"])
        if data.get("max_altitude"):
            treks = treks.filter(max_altitude__lte=data["max_altitude"])
        if data.get("no_permit"):
            treks = treks.filter(permits_required=False)
        if data.get("month") or data.get("guaranteed"):
            # One departure must satisfy both filters: a guaranteed one in that month.
            departures = Departure.objects.upcoming(self.today).filter(trek=OuterRef("pk"))
            if data.get("month"):
                year, month = map(int, data["month"].split("-"))
                departures = departures.filter(start_date__year=year, start_date__month=month)
            if data.get("guaranteed"):
                departures = departures.guaranteed()
            treks = treks.filter(Exists(departures))
        return treks.order_by(*self.SORTS[data.get("sort") or "popular"])

    def cache_variant(self, query, page, *, noindex):
        """What of the query string changes the catalogue page, normalised: the filters, the
        page (a number or "last") and whether the page is noindex. None (rendered, never
        stored) when a value was not understood (the page names it in a notice), a parameter
        is repeated or unknown (?utm_source=): only pages that exist are stored."""
        self.is_valid()
        known = {*self.fields, "page"}
        if (
            self.errors
            or self.oversized
            or any(key not in known or len(values) > 1 for key, values in query.lists())
        ):
            return None
        understood = sorted(
            (name, str(getattr(value, "pk", value)))
            for name, value in self.cleaned_data.items()
            if value not in (None, "", False)
        )
        # The day: the months offered and which departures are still ahead change with it.
        return repr((understood, page or 1, noindex, self.today.isoformat()))

    def is_filtered(self):
        self.is_valid()
        return any(value for name, value in self.cleaned_data.items() if name != "sort" and value)


# Recurring departures: one season at a time, so a typo in a year cannot make thousands.
MAX_RECURRING_DAYS = 366
MAX_RECURRING_DEPARTURES = 200


class RecurringDeparturesForm(forms.Form):
    """Staff create a season's departures in one step (every Monday and Thursday from May to
    September); each one is an ordinary departure afterwards, edited on its own."""

    WEEKDAYS = [
        ("0", _("Monday")),
        ("1", _("Tuesday")),
        ("2", _("Wednesday")),
        ("3", _("Thursday")),
        ("4", _("Friday")),
        ("5", _("Saturday")),
        ("6", _("Sunday")),
    ]

    trek = forms.ModelChoiceField(label=_("Trek"), queryset=Trek.objects.all())
    first_date = forms.DateField(
        label=_("From"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    last_date = forms.DateField(
        label=_("To"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    weekdays = forms.MultipleChoiceField(
        label=_("On"), choices=WEEKDAYS, widget=forms.CheckboxSelectMultiple
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=Departure.Kind.choices)
    seats = forms.IntegerField(label=_("Seats"), min_value=1, max_value=MAX_SEATS)
    guarantee_min = forms.IntegerField(
        label=_("Guaranteed from"), min_value=1, max_value=MAX_SEATS, initial=2
    )
    price_per_person = forms.DecimalField(
        label=_("Price per person"), min_value=0, max_digits=8, decimal_places=2
    )

    def clean_first_date(self):
        day = self.cleaned_data["first_date"]
        if day < timezone.localdate():
            raise forms.ValidationError(_("The first date cannot be in the past."), code="past")
        return day

    def clean(self):
        data = super().clean()
        first, last = data.get("first_date"), data.get("last_date")
        if first and last:
            if last < first:
                self.add_error("last_date", _("The last date must be on or after the first."))
            elif (last - first).days >= MAX_RECURRING_DAYS:
                self.add_error("last_date", _("Create at most one year of departures at a time."))
        seats, minimum = data.get("seats"), data.get("guarantee_min")
        if seats and minimum and minimum > seats:
            self.add_error(
                "guarantee_min", _("A departure cannot need more travellers than it has seats.")
            )
        if not self.errors and len(self.dates()) > MAX_RECURRING_DEPARTURES:
            raise forms.ValidationError(
                _("That makes more than %(max)d departures; choose a shorter period.")
                % {"max": MAX_RECURRING_DEPARTURES}
            )
        if not self.errors and not self.dates():
            self.add_error("weekdays", _("None of these weekdays falls between the two dates."))
        return data

    def dates(self):
        data = self.cleaned_data
        weekdays = {int(day) for day in data["weekdays"]}
        days = (data["last_date"] - data["first_date"]).days + 1
        every = (data["first_date"] + datetime.timedelta(days=n) for n in range(days))
        return [day for day in every if day.weekday() in weekdays]

    def save(self):
        """Create the departures that do not exist yet; returns (created, skipped)."""
        data = self.cleaned_data
        existing = set(
            Departure.objects.filter(
                trek=data["trek"], kind=data["kind"], start_date__in=self.dates()
            ).values_list("start_date", flat=True)
        )
        new = [
            Departure(
                trek=data["trek"],
                start_date=day,
                kind=data["kind"],
                seats=data["seats"],
                guarantee_min=data["guarantee_min"],
                price_per_person=data["price_per_person"],
            )
            for day in self.dates()
            if day not in existing
        ]
        with transaction.atomic():
            Departure.objects.bulk_create(new)
            pagecache.bump()  # bulk_create sends no post_save
        return len(new), len(existing)
