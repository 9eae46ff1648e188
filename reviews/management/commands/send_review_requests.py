"""E-mail each traveller whose trip has ended a request for a review, once.

Run it from cron once a day (or more often, on as many servers as you like): each row is
claimed with one atomic conditional UPDATE before anything is sent (reviews/requests.py).
"""

from django.core.management.base import BaseCommand

from reviews import requests


class Command(BaseCommand):
    help = "Ask travellers whose trip has ended for a review (once each; safe to run from cron)."

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=200, help="At most this many per run.")
        parser.add_argument(
            "--max-attempts",
            type=int,
            default=5,
            help="Give up on a traveller after this many failed tries (the error stays in admin).",
        )

    def handle(self, *args, limit, max_attempts, **options):
        links = requests.review_links()
        if not (links["tripadvisor"] or links["google"]):
            # Nothing to link to: send nothing, and nothing is marked sent.
            self.stderr.write(
                "no review link set (the Tripadvisor page or Google review link of the "
                "operator's details in admin): nothing sent"
            )
            return
        pending = list(
            requests.due(max_attempts=max_attempts)
            .order_by("trip_ended_on", "id")
            .values_list("pk", flat=True)[:limit]
        )
        outcomes = [requests.deliver(pk, max_attempts=max_attempts) for pk in pending]
        counts = {k: outcomes.count(k) for k in (requests.SENT, requests.FAILED, requests.WITHHELD)}
        self.stdout.write(
            f"sent {counts['sent']}, failed {counts['failed']}, withheld {counts['withheld']}"
        )
        if counts["failed"]:
            self.stderr.write(f"{counts['failed']} review request(s) failed; the next run retries")
