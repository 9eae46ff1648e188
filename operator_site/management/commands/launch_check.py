"""`manage.py launch_check`: what is not ready for launch (operator_site/launch.py); exits 1
while anything remains, so a deploy script can wait on it."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from operator_site.launch import problems


class Command(BaseCommand):
    help = "List what is not ready for launch; exit non-zero while anything remains."

    def handle(self, *args, **options):
        found = problems()
        if not found:
            self.stdout.write(self.style.SUCCESS("Ready for launch: nothing left to do."))
            return
        for problem in found:
            where = f"  ({settings.SITE_URL}{problem.url})" if problem.url else ""
            self.stdout.write(f"- {problem.what}{where}")
        raise CommandError(f"Not ready for launch: {len(found)} to do.")
