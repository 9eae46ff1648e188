"""Values from addresses, read the way Django's forms read them: a query parameter goes through a
form field, never `isdigit()` then `int()` ("²" passes the first and breaks the second). A value
the field refuses is ignored (with a notice where staff should know); it never reaches a query."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


def read(field, value):
    """`value` cleaned by the form field `field`, or None when it is empty or refused."""
    if value in (None, ""):
        return None
    try:
        return field.clean(value)
    except ValidationError:
        return None


class MonthListFilter(admin.SimpleListFilter):
    """An admin filter on the month of a date field (`field`), given as YYYY-MM. A value that is
    no month (2027-², 10000-01) is ignored with a notice instead of reaching the database."""

    field = None  # the model's date field
    month = forms.DateField(input_formats=["%Y-%m"])

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        first = read(self.month, self.value())
        if first is None:
            messages.warning(
                request,
                _("“%(value)s” is not a month (YYYY-MM): that filter was ignored.")
                % {"value": self.value()[:20]},
            )
            return queryset
        return queryset.filter(
            **{f"{self.field}__year": first.year, f"{self.field}__month": first.month}
        )


# ?page=N of a listing: a positive whole number (a page past the last is the view's business).
PAGE_NUMBER = forms.IntegerField(min_value=1)
