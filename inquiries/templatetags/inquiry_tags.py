from django import template
from django.urls import reverse

from ..forms import InquiryForm

register = template.Library()


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
    return {"form": form, "trek": trek, "action": action, "request": context.get("request")}
