"""(Re)apply the Sales and Content groups' permissions (operator_site/roles.py): after a new model
arrives, or when someone changed a group's permissions by hand in admin."""

from django.apps import apps
from django.core.management.base import BaseCommand

from operator_site import roles


class Command(BaseCommand):
    help = "Give the Sales and Content groups exactly the permissions of operator_site/roles.py."

    def handle(self, *args, **options):
        for role, count in roles.apply(apps).items():
            self.stdout.write(f"{role}: {count} permissions")
