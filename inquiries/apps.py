from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InquiriesConfig(AppConfig):
    name = "inquiries"
    verbose_name = _("Requests for information")

    def ready(self):
        from operator_site import pagecache

        from . import tokens

        # A page with the request form is stored once for everyone; each response gets its own
        # form token (idempotency key and render time) in this slot.
        pagecache.register_slot("form_token", lambda request: tokens.new_form_token())
