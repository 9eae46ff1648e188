from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TreksConfig(AppConfig):
    name = "treks"
    verbose_name = _("Trek catalogue")

    def ready(self):
        from operator_site import pagecache

        # Every catalogue change (save, delete, styles and alternatives) reaches every page.
        pagecache.watch(*(self.get_model(name) for name in CATALOGUE_MODELS))


CATALOGUE_MODELS = (
    "Destination",
    "TravelStyle",
    "Place",
    "Trek",
    "ItineraryStage",
    "TrekImage",
    "TrekFAQ",
    # Seat counts show on trek pages: a booking bumps the version too (bookings.services).
    "Departure",
)
