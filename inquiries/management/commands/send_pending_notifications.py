"""Retry the e-mails of requests whose notification or confirmation has not gone out.

Run it from cron every few minutes, on as many servers as you like: each row is claimed with
one atomic conditional UPDATE before anything is sent (see inquiries/notifications.py), so two
runs never send the same e-mail twice.
"""

from django.core.management.base import BaseCommand
from django.db.models import Q
from django.utils import timezone

from inquiries import notifications
from inquiries.models import Inquiry


class Command(BaseCommand):
    help = "Send the request e-mails that have not gone out yet (safe to run from cron)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--limit", type=int, default=200, help="At most this many requests per run."
        )
        parser.add_argument(
            "--max-attempts",
            type=int,
            default=20,
            help="Give up on a request after this many tries (it stays flagged in admin).",
        )

    def handle(self, *args, limit, max_attempts, **options):
        now = timezone.now()
        pending = list(
            Inquiry.objects.notification_pending()
            .filter(notify_attempts__lt=max_attempts)
            .filter(Q(notify_claimed_until__isnull=True) | Q(notify_claimed_until__lt=now))
            .order_by("received_at", "id")
            .values_list("pk", flat=True)[:limit]
        )
        outcomes = [notifications.deliver(pk, max_attempts=max_attempts) for pk in pending]
        sent, failed = outcomes.count(notifications.SENT), outcomes.count(notifications.FAILED)
        skipped = outcomes.count(notifications.SKIPPED)
        self.stdout.write(f"sent {sent}, failed {failed}, held by another run {skipped}")
        if failed:
            self.stderr.write(f"{failed} request(s) still unsent; see the e-mails filter in admin")
