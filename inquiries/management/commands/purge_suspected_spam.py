"""Delete suspected spam older than INQUIRY_SPAM_KEEP_DAYS (30 by default).

Suspected spam is stored, not dropped, so that staff can rescue a real traveller who tripped the
bot checks ("not spam" in admin); after a month nobody will. Run it daily from cron.
"""

import datetime

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from inquiries.services import purge_suspected_spam


class Command(BaseCommand):
    help = "Delete requests marked as suspected spam that are older than --days (default 30)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=settings.INQUIRY_SPAM_KEEP_DAYS,
            help="Keep suspected spam this many days (INQUIRY_SPAM_KEEP_DAYS).",
        )

    def handle(self, *args, days, **options):
        if days < 1:
            raise CommandError("--days must be at least 1")
        deleted = purge_suspected_spam(older_than=timezone.now() - datetime.timedelta(days=days))
        self.stdout.write(f"deleted {deleted} suspected spam request(s) older than {days} days")
