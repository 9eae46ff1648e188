from django import template
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from ..forms import InquiryForm

register = template.Library()

# A fresh form is the same HTML for every visitor but for its form token: crispy renders it
# field by field through a dozen templates, the costliest part of a trek page's aside. So each
# process renders it once per language, group-size limit and day (the date field's min and max)
# with a placeholder for the token, and each request puts its own token in. Bound forms (with
# what a traveller typed, and errors) are always rendered in full.
_TOKEN_PLACEHOLDER = "inquiry-form-token-placeholder"  # noqa: S105 (not a secret)
_fresh_forms = {}


def clear_form_cache():
    """For tests: forget the rendered fresh forms."""
    _fresh_forms.clear()


def fresh_form_html(form):
    """The crispy HTML of the unbound `form`, from the per-process copy."""
    from crispy_forms.utils import render_crispy_form

    key = (get_language(), form.max_people, form.today, form.latest_date)
    html = _fresh_forms.get(key)
    if html is None:
        # A form of its own, so that `form` never holds the placeholder.
        blank = InquiryForm(trek=form.trek)
        blank.initial["form_token"] = _TOKEN_PLACEHOLDER
        html = render_crispy_form(blank, helper=blank.helper)
        if len(_fresh_forms) >= 64:  # a day, a language and a size per entry: stays small
            _fresh_forms.clear()
        _fresh_forms[key] = html
    token = escape(form.initial["form_token"])
    return mark_safe(html.replace(_TOKEN_PLACEHOLDER, token, 1))  # noqa: S308 (escaped above)


@register.inclusion_tag("inquiries/_form.html", takes_context=True)
def inquiry_form(context, trek=None):
    """The request form, for a trek page (`{% inquiry_form trek %}`) or the contact page.

    Uses the bound form the view put in the context (after a POST with errors), else a fresh
    one. Costs no database query: the trek is already loaded and the choices are fixed.
    """
    form = context.get("inquiry_form")
    if form is None or getattr(form, "trek", None) != trek:
        form = InquiryForm(trek=trek)
    if trek is not None:
        action = reverse("inquiries:trek_request", kwargs={"slug": trek.slug})
    else:
        action = reverse("inquiries:contact")
    return {
        "form": form,
        "form_html": None if form.is_bound else fresh_form_html(form),
        "trek": trek,
        "action": action,
        "request": context.get("request"),
    }
