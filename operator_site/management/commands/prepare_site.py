"""Everything `make run` does before serving: migrate, collect static files, load the demo
content into an empty database only, and create the staff account `admin` once, with its
second factor (an authenticator key and recovery codes, printed with the password)."""

import secrets

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand

from operator_site.launch import FIRST_ADMIN_FILE, password_digest
from operator_site.second_factor import enrol, enrolment_text

# Each fixture with the models that, when any of them has a row, mean staff content is there
# (by name: the site's package imports no app's models).
FIXTURES = [
    ("catalogue", ("treks.Trek", "treks.Place", "treks.Destination", "treks.TravelStyle")),
    ("pages", ("operator_site.ContentPage",)),
    ("blog", ("blog.Post",)),
]
# The demo posts point at the demo treks by id: loaded only in the run that loads those treks.
NEEDS = {"blog": "catalogue"}
# The demo facts still to confirm point at rows of both fixtures by their ids: loaded only in the
# run that loaded both, never onto content staff made.
TO_CONFIRM_FIXTURE = "to_confirm"
ADMIN_USERNAME = "admin"


class Command(BaseCommand):
    help = "Migrate, collect static files, load fixtures into an empty database, create admin once."

    def handle(self, *args, **options):
        settings.DATA_DIR.mkdir(parents=True, exist_ok=True)
        # The database, the secret key and uploads live here: for the site's own user only.
        # A front proxy serving /static/ and /media/ from here runs as that user too
        # (docs/front-proxy.md).
        settings.DATA_DIR.chmod(0o700)
        call_command("migrate", interactive=False, verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        self.load_fixtures_into_empty_database()
        self.ensure_operator_details()
        admin_lines = self.create_admin_once()
        self.summary(admin_lines)

    def load_fixtures_into_empty_database(self):
        # Never over staff edits: any row at all means someone's content is here. Each fixture
        # is judged alone, so an install from before the content pages still gets them.
        loaded = set()
        for fixture, models in FIXTURES:
            if any(apps.get_model(model).objects.exists() for model in models) or (
                fixture in NEEDS and NEEDS[fixture] not in loaded
            ):
                self.stdout.write(f"{fixture}: content already there; fixtures not loaded.")
                continue
            call_command("loaddata", fixture, verbosity=0)
            loaded.add(fixture)
            self.stdout.write(f"{fixture}: demo content loaded.")
        if len(loaded) == len(FIXTURES):
            call_command("loaddata", TO_CONFIRM_FIXTURE, verbosity=0)
            self.stdout.write(f"{TO_CONFIRM_FIXTURE}: demo facts to confirm listed.")

    def ensure_operator_details(self):
        """The operator's details record, from the OPERATOR_* variables, if it is missing (the
        migration makes it; a database emptied by hand has none, and staff cannot add it)."""
        from operator_site.details import seeded
        from operator_site.models import OperatorDetails

        if not OperatorDetails.objects.exists():
            seeded().save()
            self.stdout.write("operator's details: filled in from the OPERATOR_* variables.")

    def create_admin_once(self):
        """The staff account `admin`, once: its second factor's set-up is printed now, and the
        lines a newcomer needs (password and a one-time code) are returned for the end."""
        users = get_user_model()
        if users.objects.filter(username=ADMIN_USERNAME).exists():
            return []
        password = secrets.token_urlsafe(16)
        admin = users.objects.create_superuser(ADMIN_USERNAME, email="", password=password)
        # So that launch_check can tell whether this printed password was ever changed.
        marker = settings.DATA_DIR / FIRST_ADMIN_FILE
        marker.write_text(password_digest(admin) + "\n")
        marker.chmod(0o600)
        # Superusers log in with a second factor: the first login can use a recovery code.
        totp, codes = enrol(admin)
        self.stdout.write("\n" + enrolment_text(admin, totp, codes) + "\n")
        return [
            "Staff account created (shown only this once: keep it). Log in with",
            f"  username: {ADMIN_USERNAME}",
            f"  password: {password}",
            f"  code:     {codes[0]}   (a recovery code: each of those above works once)",
            f"Lost it? .venv/bin/python manage.py changepassword {ADMIN_USERNAME}, and",
            f"          .venv/bin/python manage.py staff_otp {ADMIN_USERNAME}",
        ]

    def summary(self, admin_lines):
        """The last lines of `make run`'s output before the server's: where the site is and,
        on the first run, how to log in."""
        line = "=" * 64
        lines = [
            "",
            line,
            f"The site:  {settings.SITE_URL}/   (Ctrl-C stops it)",
            f"Staff:     {settings.SITE_URL}/admin/",
            *admin_lines,
            line,
        ]
        self.stdout.write(self.style.SUCCESS("\n".join(lines)))
