"""Delete travellers' ticket details (passport numbers, dates of birth...) a set number of days
after their trip ended: TRAVELLER_DATA_KEEP_DAYS, 90 by default. The bookings keep their
travellers count, totals and payments. Run it daily from cron."""

import datetime

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from bookings.services import purge_traveller_documents


class Command(BaseCommand):
    help = "Delete traveller details of trips that ended more than --days ago (default 90)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=settings.TRAVELLER_DATA_KEEP_DAYS,
            help="Keep traveller details this many days after the trip (TRAVELLER_DATA_KEEP_DAYS).",
        )

    def handle(self, *args, days, **options):
        if days < 1:
            raise CommandError("--days must be at least 1")
        # Cusco's today: a trip ends on a Cusco date.
        ended_before = timezone.localdate() - datetime.timedelta(days=days)
        deleted = purge_traveller_documents(ended_before=ended_before)
        self.stdout.write(
            f"deleted the details of {deleted} traveller(s) of trips ended before {ended_before}"
        )
