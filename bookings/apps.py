from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BookingsConfig(AppConfig):
    name = "bookings"
    verbose_name = _("Bookings")

    def ready(self):
        from django.utils.translation import gettext

        from operator_site import kept
        from treks.models import MAX_SEATS

        from .forms import TravellerForm
        from .views import traveller_prefix

        def traveller_forms():
            # Every traveller a booking may have; only those with something typed are shown.
            return [
                kept.KnownForm(
                    TravellerForm,
                    prefix=traveller_prefix(n),
                    heading=gettext("Traveller %(n)d") % {"n": n},
                )
                for n in range(1, MAX_SEATS + 1)
            ]

        # A refused save (CSRF failure, 503, a link that stopped working) shows back every
        # traveller's typed details, under the form's labels.
        kept.register("bookings:booking", traveller_forms)
