"""Set up (or replace) a staff account's second factor and print what its owner needs."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from operator_site.second_factor import RECOVERY_CODES, enrol, enrolment_text


class Command(BaseCommand):
    help = (
        "Give a staff account a new authenticator key and new recovery codes (the old ones stop "
        "working), and print the QR code, the otpauth:// address and the codes."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument(
            "--recovery-codes", type=int, default=RECOVERY_CODES, choices=range(1, 21),
            metavar="1-20", help=f"how many one-time recovery codes ({RECOVERY_CODES})",
        )  # fmt: skip

    def handle(self, *args, username, recovery_codes, **options):
        users = get_user_model()
        try:
            user = users.objects.get(**{users.USERNAME_FIELD: username})
        except users.DoesNotExist:
            raise CommandError(f"No account named {username!r}.") from None
        if not user.is_staff:
            raise CommandError(f"{username!r} is not a staff account: admin does not let it in.")
        totp, codes = enrol(user, recovery_codes=recovery_codes)
        self.stdout.write(enrolment_text(user, totp, codes))
