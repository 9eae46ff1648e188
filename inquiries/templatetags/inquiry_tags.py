from django import template
from django.template import Context
from django.urls import reverse
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from .. import tokens
from ..forms import InquiryForm

register = template.Library()

FORM_TEMPLATE = "inquiries/_form.html"

# A fresh form is the same HTML for every visitor but for two tokens: the form token and the
# CSRF token. Crispy renders it field by field through a dozen templates, the costliest part of
# a trek page's aside. So each process renders the whole <form> once per language, address,
# group-size limit and day (the date field's min and max) with placeholders for the tokens, and
# each request puts its own tokens in. That copy is rendered without the request (no user, no
# CSP nonce, no context processor): nothing of one visitor can reach another. Bound forms (what
# a traveller typed, with errors) are always rendered in full, with the request.
_TOKEN_PLACEHOLDER = "inquiry-form-token-placeholder"  # noqa: S105 (not a secret)
_CSRF_PLACEHOLDER = "inquiry-form-csrf-placeholder"
# What {% csrf_token %} prints, with the placeholder for its value.
_CSRF_INPUT = str(
    format_html('<input type="hidden" name="csrfmiddlewaretoken" value="{}">', _CSRF_PLACEHOLDER)
)
_fresh_forms = {}


def clear_form_cache():
    """For tests: forget the rendered fresh forms."""
    _fresh_forms.clear()


def _render(context, values):
    """`inquiries/_form.html` in a context of its own, as an inclusion tag renders it: with the
    request and the page's CSRF token."""
    new_context = context.new(values)
    if context.get("csrf_token") is not None:
        new_context["csrf_token"] = context.get("csrf_token")
    return context.template.engine.get_template(FORM_TEMPLATE).render(new_context)


def _render_for_everyone(context, values):
    """`inquiries/_form.html` with `values` only: no request, user, nonce or other context
    processor's data, so that the HTML can be shared."""
    plain = Context(values, autoescape=context.autoescape, use_l10n=context.use_l10n)
    return context.template.engine.get_template(FORM_TEMPLATE).render(plain)


def fresh_form_html(trek, token):
    """The crispy HTML of an unbound form about `trek` with form token `token`, from the
    per-process copy."""
    from crispy_forms.utils import render_crispy_form

    key = ("fields", get_language(), *InquiryForm.limits(trek))
    html = _fresh_forms.get(key)
    if html is None:
        blank = InquiryForm(trek=trek)
        blank.initial["form_token"] = _TOKEN_PLACEHOLDER
        html = _remember(key, render_crispy_form(blank, helper=blank.helper))
    return mark_safe(html.replace(_TOKEN_PLACEHOLDER, escape(token), 1))  # noqa: S308 (escaped)


def _remember(key, html):
    if len(_fresh_forms) >= 128:  # a day, a language and a size per entry: stays small
        _fresh_forms.clear()
    _fresh_forms[key] = html
    return html


def _fresh_form(context, trek, action, token):
    """The whole <form> of a fresh request form, from the per-process copy, with this request's
    CSRF token (the visitor's CSRF cookie is set as {% csrf_token %} would set it)."""
    key = ("form", get_language(), action, *InquiryForm.limits(trek))
    html = _fresh_forms.get(key)
    if html is None:
        values = {"form": None, "trek": trek, "action": action}
        values["form_html"] = fresh_form_html(trek, _TOKEN_PLACEHOLDER)
        rendered = _render_for_everyone(context, {**values, "csrf_token": _CSRF_PLACEHOLDER})
        if not (
            rendered.count(_CSRF_PLACEHOLDER) == rendered.count(_CSRF_INPUT) == 1
            and rendered.count(_TOKEN_PLACEHOLDER) == 1
        ):
            # A template that prints either token somewhere else too: render it in full.
            values["form_html"] = fresh_form_html(trek, token)
            return _render(context, {**values, "request": context.get("request")})
        html = _remember(key, rendered)
    csrf = str(context.get("csrf_token") or "")
    if csrf and csrf != "NOTPROVIDED":
        csrf_input = _CSRF_INPUT.replace(_CSRF_PLACEHOLDER, escape(csrf), 1)
    else:  # no request, or no CSRF middleware: {% csrf_token %} prints nothing either
        csrf_input = ""
    html = html.replace(_CSRF_INPUT, csrf_input, 1).replace(_TOKEN_PLACEHOLDER, escape(token), 1)
    return mark_safe(html)  # noqa: S308 (the copy is a rendered template; tokens escaped)


@register.simple_tag(takes_context=True)
def inquiry_form(context, trek=None):
    """The request form, for a trek page (`{% inquiry_form trek %}`) or the contact page.

    Uses the form the view put in the context (bound after a POST with errors: rendered in
    full), else a fresh one from the per-process copy with new tokens: no form object is built
    (that alone was a third of a cached trek page's time). Costs no database query: the trek
    is already loaded and the choices are fixed.
    """
    form = context.get("inquiry_form")
    if form is not None and getattr(form, "trek", None) != trek:
        form = None
    if trek is not None:
        action = reverse("inquiries:trek_request", kwargs={"slug": trek.slug})
    else:
        action = reverse("inquiries:contact")
    if form is None or not form.is_bound:
        token = tokens.new_form_token() if form is None else form.initial["form_token"]
        return _fresh_form(context, trek, action, token)
    values = {"form": form, "form_html": None, "trek": trek, "action": action}
    return _render(context, {**values, "request": context.get("request")})
