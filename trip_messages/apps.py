from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TripMessagesConfig(AppConfig):
    name = "trip_messages"
    verbose_name = _("Traveller messages")

    def ready(self):
        from django.db.models.signals import post_save

        from bookings.models import Booking
        from outbox import signals as outbox_signals
        from treks import signals as trek_signals

        from . import receivers, schedule

        # send_outbox, the only scheduler, first queues the traveller messages that are due.
        outbox_signals.sending.connect(schedule.on_sending, dispatch_uid="trip_messages.sending")
        # Bookings and treks do not know this app (it imports them): it listens.
        post_save.connect(
            receivers.on_booking_saved, sender=Booking, dispatch_uid="trip_messages.booking"
        )
        trek_signals.departure_changed.connect(
            receivers.on_departure_changed, dispatch_uid="trip_messages.departure"
        )
