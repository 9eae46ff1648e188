from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PaymentsConfig(AppConfig):
    name = "payments"
    verbose_name = _("Online payments")

    def ready(self):
        # The booking page asks for its pay buttons through a signal: bookings never imports
        # payments (payments imports bookings).
        from bookings.signals import booking_page_payment

        from . import receivers

        booking_page_payment.connect(receivers.pay_buttons, dispatch_uid="payments.pay_buttons")
