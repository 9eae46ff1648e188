"""Cancel the bookings whose deposit did not come while their seats were held, and tell staff.

Run with send_outbox (the deploy kit's every-minute timer), before it, so that staff's e-mail
goes out in the same run; safe on several servers at once (services.release_expired_holds).
"""

from django.core.management.base import BaseCommand

from bookings import services


class Command(BaseCommand):
    help = "Release the seats of bookings still awaiting their deposit when the hold ended."

    def handle(self, *args, **options):
        released = services.release_expired_holds()
        if options["verbosity"] >= 1 or released:
            self.stdout.write(f"released {len(released)} booking(s)")
