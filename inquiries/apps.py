from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InquiriesConfig(AppConfig):
    name = "inquiries"
    verbose_name = _("Requests for information")

    def ready(self):
        from operator_site import kept, pagecache

        from . import tokens
        from .forms import InquiryForm
        from .models import TRAVELLER_FIELDS

        # A page with the request form is stored once for everyone; each response gets its own
        # form token (idempotency key and render time) in this slot.
        pagecache.register_slot("form_token", lambda request: tokens.new_form_token())

        # A refused request (CSRF failure, 429, 503) shows back what was typed, with the
        # form's labels. Not the departure: it is a number in the form, and its date is in
        # the travel date the traveller chose. Not the honeypot or the form token.
        shown = tuple(name for name in TRAVELLER_FIELDS if name != "departure")
        request_form = [kept.KnownForm(InquiryForm, fields=shown)]
        for url_name in ("inquiries:contact", "inquiries:trek_request"):
            kept.register(url_name, lambda: request_form)
