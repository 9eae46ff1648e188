"""What a visitor typed, shown back on a page that refuses their form (CSRF failure, 429, 503,
a booking link that stopped working): refused, but not lost. The visitor copies it into a
WhatsApp message or an e-mail, or into the form when it works again.

An app tells this module which forms a page posts, so that their fields are shown with their
labels (and a choice with its text, not its code), in their order:

    kept.register("bookings:booking", lambda: [kept.KnownForm(TravellerForm, prefix="t1"), ...])

in its AppConfig.ready(), by the page's URL name; `operator_site` imports no app. A form this
module does not know (a page added later, admin) is shown generically: every posted field but
the machinery (CSRF token, honeypot, hidden fields of a known form, anything named like a
password, token, secret or code), under its field name.

What is shown is only ever rendered into the refusal page, autoescaped (templates/includes/
_kept.html), on a response no cache may store: it is never stored and never logged. A passport
number comes back to the browser that has just sent it, as the booking page itself shows it.
"""

import re
from dataclasses import dataclass

from django import forms
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers

# At most this many characters of one value and this many values: a public body is at most
# PUBLIC_MAX_REQUEST_BYTES anyway, this keeps a hand-made POST from making a huge page.
MAX_VALUE_LENGTH = 5000
MAX_VALUES = 200

# Never shown back, whatever the form: names of secrets and of Django's machinery.
_SECRET = re.compile(r"passw|secret|token|otp|csrf|code", re.IGNORECASE)
_MACHINERY = re.compile(r"^(_|initial-)|-(TOTAL|INITIAL|MIN_NUM|MAX_NUM)_FORMS$")
_MACHINERY_NAMES = {"next", "form", "action"}


@dataclass(frozen=True)
class KnownForm:
    """A form a page posts: its class (only its class-level `base_fields` are read, so that a
    refusal page runs no query of the form's own), its prefix, a heading for its group (e.g.
    "Traveller 2"), and which of its fields to show, in order (every visible one if empty)."""

    form_class: type
    prefix: str = ""
    heading: str = ""
    fields: tuple = ()


# URL name -> callable returning [KnownForm], filled by apps' ready(): the same in every
# process, never changed after start.
_KNOWN = {}


def register(url_name, known_forms):
    """`known_forms()` -> [KnownForm]: called per refusal, so that headings are translated
    into the language of that request."""
    _KNOWN[url_name] = known_forms


def _text(value):
    return value[:MAX_VALUE_LENGTH] if isinstance(value, str) and value.strip() else ""


def _shown(field, value):
    """A choice's text rather than its code (a country's name, not "PE"); never a model
    choice's (that would be a query)."""
    if isinstance(field, forms.ModelChoiceField):
        return value
    for choice, label in getattr(field, "choices", ()) or ():
        if not isinstance(label, list | tuple) and str(choice) == value:
            return str(label)
    return value


def _known_groups(data, forms):
    groups = []
    for form in forms:
        fields = form.form_class.base_fields
        names = form.fields or tuple(n for n, f in fields.items() if not f.widget.is_hidden)
        rows = []
        for name in names:
            field = fields[name]
            posted = f"{form.prefix}-{name}" if form.prefix else name
            value = _text(data.get(posted))
            if value and not _SECRET.search(name):
                rows.append((field.label or name, _shown(field, value)))
        if rows:
            groups.append((form.heading, rows))
    return groups


def _unknown_groups(data):
    rows = [
        (name, value)
        for name in data
        if not (_SECRET.search(name) or _MACHINERY.search(name) or name in _MACHINERY_NAMES)
        for value in map(_text, data.getlist(name))
        if value
    ]
    return [("", rows)] if rows else []


def typed(request):
    """[(heading, [(label, value)])]: what the visitor posted, ready for includes/_kept.html.
    Nothing for a GET."""
    if request.method != "POST":
        return []
    match = request.resolver_match
    known = _KNOWN.get(match.view_name) if match else None
    groups = _known_groups(request.POST, known()) if known else _unknown_groups(request.POST)
    total = 0
    capped = []
    for heading, rows in groups:
        rows = rows[: MAX_VALUES - total]
        total += len(rows)
        if rows:
            capped.append((heading, rows))
    return capped


def refusal(request, template, status, *, context=None, headers=None, show_typed=True):
    """A page that refuses the POST and shows back what was typed; no cache may keep it."""
    context = {**(context or {}), "kept": typed(request) if show_typed else []}
    response = render(request, template, context, status=status)
    for name, value in (headers or {}).items():
        response[name] = value
    add_never_cache_headers(response)
    response.headers["X-Robots-Tag"] = "noindex"
    return response
