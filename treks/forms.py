"""The catalogue's filters: a plain Form over GET parameters, so every filtered list is a URL.

A value the form does not know (a typo, a stale link, garbage) is dropped and named in a notice:
the visitor still gets the catalogue, never an error page.
"""

from django import forms
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from .models import Destination, TravelStyle, Trek

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
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[
            ("popular", _("Most popular")),
            ("duration", _("Shortest first")),
            ("price", _("Lowest price first")),
        ],
    )

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
        return treks.order_by(*self.SORTS[data.get("sort") or "popular"])

    def cache_variant(self, page, *, noindex):
        """What of the query string changes the catalogue page, normalised: the filters that
        were understood, the names of those that were not (the notice), the page and whether
        the page is noindex. None when the page number is not a plain one: such a request is
        rendered, never stored, so made-up query strings cannot fill the cache."""
        if not (page in ("", "last") or (page.isdigit() and len(page) <= 3)):
            return None
        self.is_valid()
        understood = sorted(
            (name, str(getattr(value, "pk", value)))
            for name, value in self.cleaned_data.items()
            if value not in (None, "", False)
        )
        ignored = sorted({*self.errors, *self.oversized})
        return repr((understood, ignored, page, noindex))

    def is_filtered(self):
        self.is_valid()
        return any(value for name, value in self.cleaned_data.items() if name != "sort" and value)
