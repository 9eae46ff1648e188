"""Everything `make run` does before serving: migrate, collect static files, load the demo
content into an empty database only, and create the staff account `admin` once."""

import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand

from treks.models import Destination, Place, TravelStyle, Trek

FIXTURES = ["catalogue"]
ADMIN_USERNAME = "admin"


class Command(BaseCommand):
    help = "Migrate, collect static files, load fixtures into an empty database, create admin once."

    def handle(self, *args, **options):
        settings.DATA_DIR.mkdir(parents=True, exist_ok=True)
        call_command("migrate", interactive=False, verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        self.load_fixtures_into_empty_database()
        self.create_admin_once()

    def load_fixtures_into_empty_database(self):
        # Never over staff edits: any catalogue row at all means someone's data is here.
        models = (Trek, Place, Destination, TravelStyle)
        if any(model.objects.exists() for model in models):
            self.stdout.write("Catalogue already has content; fixtures not loaded.")
            return
        call_command("loaddata", *FIXTURES, verbosity=0)
        self.stdout.write(f"Loaded the demo catalogue: {Trek.objects.count()} treks.")

    def create_admin_once(self):
        users = get_user_model()
        if users.objects.filter(username=ADMIN_USERNAME).exists():
            return
        password = secrets.token_urlsafe(16)
        users.objects.create_superuser(ADMIN_USERNAME, email="", password=password)
        line = "=" * 64
        self.stdout.write(
            self.style.SUCCESS(
                f"\n{line}\nStaff account created. Log in at /admin/ with\n"
                f"  username: {ADMIN_USERNAME}\n  password: {password}\n"
                f"It is shown only this once: keep it, or reset it with\n"
                f"  .venv/bin/python manage.py changepassword {ADMIN_USERNAME}\n{line}\n"
            )
        )
