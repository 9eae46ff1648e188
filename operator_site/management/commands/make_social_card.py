"""Draw the site's default social card (og:image) into a file, to look at it: pages get it from
/og-card.png, drawn from the operator's details in admin (operator_site/social_card.py)."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from operator_site.details import current
from operator_site.social_card import HEIGHT, WIDTH, draw_card


class Command(BaseCommand):
    help = "Draw the default social card (1200x630) from the operator's details into a PNG file."

    def add_arguments(self, parser):
        parser.add_argument("--output", type=Path, default=settings.DATA_DIR / "og-card.png")

    def handle(self, *args, output, **options):
        output.parent.mkdir(parents=True, exist_ok=True)
        draw_card(current()).save(output, format="PNG", optimize=True)
        self.stdout.write(f"Wrote {output} ({WIDTH}x{HEIGHT})")
