"""The site's default social card (og:image), drawn with Pillow from the operator's details.

Pages without a photo of their own (the home page, treks without a cover, content pages) share
it when a link is posted on WhatsApp, Facebook and the like. It is drawn from the record staff
edit in admin, so a new name or phone is on the next card asked for; the PNG is kept in the
cache under the content version, which a change of the details bumps.
"""

import io

from PIL import Image, ImageDraw, ImageFont

from .details import current, per_version

# The size Facebook, LinkedIn and WhatsApp show full-width (1.91:1).
WIDTH, HEIGHT = 1200, 630
GREEN = (31, 107, 69)
SAND = (245, 239, 226)
INK = (33, 37, 41)


def draw_card(details):
    """The card as a Pillow image: only the operator's own name and phone, nothing that needs
    a translation."""
    image = Image.new("RGB", (WIDTH, HEIGHT), SAND)
    draw = ImageDraw.Draw(image)
    # A band of the site's green; Pillow's own font keeps the card the same on every machine.
    draw.rectangle((0, HEIGHT - 170, WIDTH, HEIGHT), fill=GREEN)
    draw.rectangle((80, 150, 96, 330), fill=GREEN)
    name = ImageFont.load_default(size=76)
    line = ImageFont.load_default(size=40)
    draw.text((130, 150), details.name, font=name, fill=INK)
    draw.text((130, 260), "Cusco", font=line, fill=GREEN)
    draw.text((80, HEIGHT - 115), details.phone, font=line, fill=SAND)
    return image


def card_png():
    """The PNG of the current details: drawn once per content version."""
    return per_version("operator:social-card", bytes, _png)


def _png():
    out = io.BytesIO()
    draw_card(current()).save(out, format="PNG", optimize=True)
    return out.getvalue()
