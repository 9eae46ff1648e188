"""What this app does when a booking is saved or a departure changes (connected in apps.py)."""

from bookings import services as booking_services

from . import schedule


def on_booking_saved(sender, *, instance, created, raw=False, **kwargs):
    if raw:  # loaddata: fixtures bring their own rows
        return
    if created:
        # In the booking's transaction: the booking and its plan are committed together.
        schedule.plan(instance)
    else:
        schedule.replan(instance)  # staff may have changed the balance's date


def on_departure_changed(sender, *, departure, cancelled, old_start_date, actor, **kwargs):
    if not cancelled:
        for booking in booking_services.follow_departure(departure=departure):
            schedule.replan(booking)
    schedule.tell_of_change(
        departure=departure, cancelled=cancelled, old_start_date=old_start_date, actor=actor
    )
