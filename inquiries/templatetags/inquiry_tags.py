from django import template
from django.urls import reverse

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
    if form is None or not form.is_bound or getattr(form, "trek", None) != trek:
        token = context.get("form_token") or tokens.new_form_token()
        form = InquiryForm(trek=trek, initial={"form_token": token})
    if trek is not None:
        action = reverse("inquiries:trek_request", kwargs={"slug": trek.slug})
    else:
        action = reverse("inquiries:contact")
    return {"form": form, "trek": trek, "action": action, "request": context.get("request")}
