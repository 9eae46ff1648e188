"""Draw the site's default social card (og:image) with Pillow: static/img/og-card.png.

Pages without a photo of their own (the home page, treks without a cover, content pages) share
it when a link is posted on WhatsApp, Facebook and the like. The PNG is committed; run this
again (`make social-card`) after the operator's name or phone changes, and commit the result.
Only the operator's own name, line and phone are on it: nothing that needs a translation.
"""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from PIL import Image, ImageDraw, ImageFont

# The size Facebook, LinkedIn and WhatsApp show full-width (1.91:1).
WIDTH, HEIGHT = 1200, 630
GREEN = (31, 107, 69)
SAND = (245, 239, 226)
INK = (33, 37, 41)
OUTPUT = Path(settings.BASE_DIR) / "static" / "img" / "og-card.png"


def draw_card():
    """The card as a Pillow image (no file written)."""
    image = Image.new("RGB", (WIDTH, HEIGHT), SAND)
    draw = ImageDraw.Draw(image)
    # A band of the site's green; Pillow's own font keeps the card the same on every machine.
    draw.rectangle((0, HEIGHT - 170, WIDTH, HEIGHT), fill=GREEN)
    draw.rectangle((80, 150, 96, 330), fill=GREEN)
    name = ImageFont.load_default(size=76)
    line = ImageFont.load_default(size=40)
    draw.text((130, 150), settings.OPERATOR["name"], font=name, fill=INK)
    draw.text((130, 260), "Cusco", font=line, fill=GREEN)
    draw.text((80, HEIGHT - 115), settings.OPERATOR["phone"], font=line, fill=SAND)
    return image


class Command(BaseCommand):
    help = "Draw static/img/og-card.png, the default social card (1200x630)."

    def add_arguments(self, parser):
        parser.add_argument("--output", type=Path, default=OUTPUT)

    def handle(self, *args, output, **options):
        output.parent.mkdir(parents=True, exist_ok=True)
        draw_card().save(output, format="PNG", optimize=True)
        self.stdout.write(f"Wrote {output} ({WIDTH}x{HEIGHT})")
