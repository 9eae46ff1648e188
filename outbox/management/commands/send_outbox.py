"""Send every e-mail that is due: new ones, retries, scheduled ones.

cron or a systemd timer runs it every minute, on as many servers as you like: each message is
claimed with one conditional UPDATE before it is sent (outbox/mail.py), so two runs never send
the same one twice.
"""

from django.core.management.base import BaseCommand

from outbox import mail


class Command(BaseCommand):
    help = "Send the e-mails that are due (safe to run every minute on several servers)."

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=200, help="At most this many per run.")

    def handle(self, *args, limit, **options):
        outcomes = mail.send_due(limit=limit)
        # -v 0 for cron and `make run`'s loop: a line a minute would be mailed or scroll by;
        # failures still go to stderr.
        if options["verbosity"] >= 1:
            self.stdout.write(
                f"sent {outcomes[mail.SENT]}, failed {outcomes[mail.FAILED]}, "
                f"held by another run {outcomes[mail.SKIPPED]}"
                + (f", too late {outcomes[mail.EXPIRED]}" if outcomes[mail.EXPIRED] else "")
            )
        if outcomes[mail.FAILED]:
            self.stderr.write(
                f"{outcomes[mail.FAILED]} e-mail(s) not sent; retried later (admin: Outbox)"
            )
