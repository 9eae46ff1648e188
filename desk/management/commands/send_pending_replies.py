"""Retry the replies to travellers that have not gone out (mail server down when staff sent).

Run it from cron every few minutes beside send_pending_notifications; each reply is claimed
with one conditional UPDATE before it is sent, so two runs never send it twice.
"""

from django.core.management.base import BaseCommand
from django.db.models import Q
from django.utils import timezone

from desk import replies


class Command(BaseCommand):
    help = "Send the replies to travellers that have not gone out yet (safe to run from cron)."

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=200, help="At most this many per run.")
        parser.add_argument(
            "--max-attempts", type=int, default=20, help="Give up on a reply after this many tries."
        )

    def handle(self, *args, limit, max_attempts, **options):
        now = timezone.now()
        pks = list(
            replies.pending()
            .filter(attempts__lt=max_attempts)
            .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
            .order_by("created_at", "id")
            .values_list("pk", flat=True)[:limit]
        )
        outcomes = [replies.deliver(pk, max_attempts=max_attempts) for pk in pks]
        sent, failed = outcomes.count(replies.SENT), outcomes.count(replies.FAILED)
        self.stdout.write(f"sent {sent}, failed {failed}")
        if failed:
            self.stderr.write(f"{failed} reply(ies) still unsent; see the request's history")
