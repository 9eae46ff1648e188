from django import template
from django.conf import settings
from django.urls import reverse
from django.utils.translation import get_language

from .. import tokens
from ..forms import InquiryForm

register = template.Library()


@register.inclusion_tag("inquiries/_form.html", takes_context=True)
def inquiry_form(context, trek=None):
    """The request form, for a trek page (`{% inquiry_form trek %}`) or the contact page.

    Uses the form the view put in the context when it is bound (a POST that came back with
    errors: what the traveller typed, and their form token), else a fresh one. A page served
    by operator_site.pagecache has the form token's slot marker in its context: the page is
    stored once for everyone and each response fills in a new token. Costs no database query:
    the trek is already loaded and the choices are fixed.
    """
    form = context.get("inquiry_form")
    fields_key = None
    if form is None or not form.is_bound or getattr(form, "trek", None) != trek:
        marker = context.get("form_token")
        # The trek page's view loaded its departures: the tag itself runs no query.
        departures = context.get("departures", [])
        chosen = context.get("chosen_departure")
        initial = {"form_token": marker or tokens.new_form_token()}
        if chosen is not None:
            initial["departure"] = chosen.pk
        form = InquiryForm(trek=trek, departures=departures, initial=initial)
        if marker and "fragments" in settings.CACHES:
            # All that makes a fresh form's fields differ, its token being a slot: crispy's
            # HTML for them is cached under this key (_form.html), as crispy renders them
            # through dozens of templates, a fifth of building a trek page. The departures
            # offered and their seats are part of it: a booking changes the choices' labels.
            offered = ",".join(f"{d.pk}-{d.seats_left}" for d in form.departures)
            # The contact form's trek list: a trek published, renamed or withdrawn changes it.
            offered += ";" + ",".join(f"{t.pk}-{t.name}" for t in form.trek_choices)
            fields_key = (get_language(), trek.pk if trek else 0, form.max_people, form.today)
            fields_key = ":".join(
                map(str, (*fields_key, offered, chosen.pk if chosen else "", marker))
            )
    if trek is not None:
        action = reverse("inquiries:trek_request", kwargs={"slug": trek.slug})
    else:
        action = reverse("inquiries:contact")
    return {
        "form": form,
        "fields_key": fields_key,
        "trek": trek,
        "action": action,
        "request": context.get("request"),
    }
